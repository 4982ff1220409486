-- The first three datasets: plots, supervised-units, land-use-changes (descriptors in
-- server/datasets/registry.c). Indexes for their list filters, and the plots' land class.
CREATE INDEX records_plots_status ON records ((data ->> 'status'), id) WHERE dataset = 'plots';
CREATE INDEX records_plots_land_class ON records ((data ->> 'land_class'), id) WHERE dataset = 'plots';
CREATE INDEX records_units_industry ON records ((data ->> 'industry_code'), id)
	WHERE dataset = 'supervised-units';

CREATE OR REPLACE FUNCTION derived_fields(dataset text, data jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT CASE dataset
		WHEN 'plots' THEN jsonb_build_object('land_class', land_class_of(data ->> 'planned_use'))
		ELSE '{}'::jsonb
	END
$$;
