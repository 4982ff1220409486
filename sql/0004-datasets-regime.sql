-- The rest of the task-16 regime: planning permits, land supply plans, land-right transfers,
-- construction permits, closed enterprises, farmland units, agricultural inputs, soil samples
-- and effect surveys (descriptors in server/datasets/registry.c). Indexes for their filters,
-- links, and the soil samples' exceedances.
CREATE INDEX records_farmland_link ON records ((data ->> 'farmland_unit_id'))
	WHERE data ? 'farmland_unit_id';
CREATE INDEX records_farmland_class ON records ((data ->> 'class'), id)
	WHERE dataset = 'farmland-units';
CREATE INDEX records_supply_year ON records ((data ->> 'year'), id)
	WHERE dataset IN ('land-supply-plans', 'effect-surveys');
CREATE INDEX records_inputs_period ON records ((data ->> 'period'), id)
	WHERE dataset = 'agri-inputs';

-- GB 15618 pH band of a soil pH.
CREATE FUNCTION ph_band(ph numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN ph IS NULL THEN NULL
		WHEN ph <= 5.5 THEN 'le5.5' WHEN ph <= 6.5 THEN '5.5-6.5'
		WHEN ph <= 7.5 THEN '6.5-7.5' ELSE 'gt7.5' END
$$;

-- The exceedances of a soil sample: per pollutant above a limit, the highest level reached.
-- Plot samples are held against GB 36600 for the plot's land class (class I, the stricter,
-- when the plot or its planned use is unknown); farmland samples against GB 15618 at their pH.
-- Limits are given in the sample's own unit so that ratio = value / limit.
CREATE FUNCTION sample_exceedances(sample jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
WITH res AS (
	SELECT r ->> 'pollutant' AS pollutant, (r ->> 'value')::numeric AS value, r ->> 'unit' AS unit,
	       CASE WHEN r ->> 'unit' = 'μg/kg' THEN 1000 ELSE 1 END AS scale
	  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(sample -> 'results') = 'array'
					 THEN sample -> 'results' ELSE '[]' END) r
), plot_class AS (
	SELECT coalesce((SELECT p.data ->> 'land_class' FROM records p
			  WHERE p.dataset = 'plots' AND p.id = sample ->> 'plot_id'
			    AND p.deleted_at IS NULL), 'I') AS cls
), limits AS (
	SELECT res.*, 'GB36600' AS standard, plot_class.cls AS land_class, NULL::text AS band,
	       CASE plot_class.cls WHEN 'I' THEN g.screening_class_i ELSE g.screening_class_ii END
		       * res.scale AS screening,
	       CASE plot_class.cls WHEN 'I' THEN g.intervention_class_i ELSE g.intervention_class_ii END
		       * res.scale AS intervention
	  FROM res JOIN gb36600_values g ON g.pollutant = res.pollutant, plot_class
	 WHERE sample ? 'plot_id'
	UNION ALL
	SELECT res.*, 'GB15618', NULL, ph_band((sample ->> 'ph')::numeric),
	       CASE ph_band((sample ->> 'ph')::numeric)
		       WHEN 'le5.5' THEN f.ph_max_5_5_screening WHEN '5.5-6.5' THEN f.ph_5_5_6_5_screening
		       WHEN '6.5-7.5' THEN f.ph_6_5_7_5_screening ELSE f.ph_over_7_5_screening END
		       * res.scale,
	       CASE ph_band((sample ->> 'ph')::numeric)
		       WHEN 'le5.5' THEN f.ph_max_5_5_control WHEN '5.5-6.5' THEN f.ph_5_5_6_5_control
		       WHEN '6.5-7.5' THEN f.ph_6_5_7_5_control ELSE f.ph_over_7_5_control END
		       * res.scale
	  FROM res JOIN gb15618_values f ON f.pollutant = res.pollutant AND f.land_type = 'other'
	 WHERE sample ? 'farmland_unit_id' AND sample ? 'ph'
), over AS (
	SELECT *, CASE WHEN value > intervention THEN 'intervention' ELSE 'screening' END AS level,
	       CASE WHEN value > intervention THEN intervention ELSE screening END AS lim
	  FROM limits WHERE value > screening
)
SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		'pollutant', pollutant, 'value', value, 'unit', unit, 'standard', standard,
		'land_class', land_class, 'ph_band', band, 'level', level, 'limit', lim,
		'ratio', round(value / lim, 4))) ORDER BY pollutant), '[]')
  FROM over
$$;

-- A plot's land_class is derived by the server before writing (record_derive); the
-- samples' exceedances need the plot's class and the threshold tables, so they are here.
CREATE OR REPLACE FUNCTION derived_fields(dataset text, data jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT CASE dataset
		WHEN 'soil-samples' THEN jsonb_build_object('exceedances', sample_exceedances(data))
		ELSE '{}'::jsonb
	END
$$;
