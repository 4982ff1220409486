-- Rule evaluation whose plans do not depend on fresh statistics. rules_evaluate's candidate
-- query is planned once per connection and cached; while `records` grows from empty faster
-- than autovacuum analyzes it (a first bulk load of tens of thousands of plots in the minute
-- after a start), the cached plan read the written plots through `id = ANY (ids)` as a filter
-- over a scan of every live plot, and a bulk of 1,000 plots took longer with each batch until
-- it hit the statement timeout (5 s at 15,000 plots). The two branches that looked the
-- written records up by id now go from the ids to the primary key, one equality each, which
-- the planner chooses whatever the statistics say.

CREATE OR REPLACE FUNCTION rules_evaluate(ds text, ids text[], key_id text, request_id text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r rules;
	td text;
	candidates text[];
	keys text[] := ARRAY(SELECT ds || '/' || x FROM unnest(ids) x);
BEGIN
	IF ds = 'plots' THEN
		LOCK TABLE spatial_links_gate IN SHARE MODE;
	ELSIF ds IN ('land-use-changes', 'planning-permits', 'land-supply-plans',
		     'construction-permits') THEN
		LOCK TABLE spatial_links_gate IN ROW EXCLUSIVE MODE;
	END IF;
	IF ds IN ('plots', 'farmland-units') THEN
		PERFORM samples_refresh(ARRAY(
			SELECT s.id FROM records s
			 WHERE ds = 'plots' AND s.data ? 'plot_id' AND s.data ->> 'plot_id' = ANY (ids)
			   AND s.dataset = 'soil-samples' AND s.deleted_at IS NULL
			UNION ALL
			SELECT s.id FROM records s
			 WHERE ds = 'farmland-units' AND s.data ? 'farmland_unit_id'
			   AND s.data ->> 'farmland_unit_id' = ANY (ids)
			   AND s.dataset = 'soil-samples' AND s.deleted_at IS NULL),
			key_id, request_id);
	END IF;
	FOR r IN SELECT * FROM rules ORDER BY rule LOOP
		FOREACH td IN ARRAY r.trigger_datasets LOOP
			-- Each branch is its own indexed query: the written records themselves,
			-- records naming a written plot or farmland unit, records without plot_id
			-- whose geometry meets a written plot's, the farmland unit a written sample
			-- names, and open findings citing a written record (it may have moved away
			-- since). The spatial branch repeats the partial index's conditions so that
			-- its plan uses that index. The written records are looked up one by one by
			-- key (unnest, then an equality on the primary key), a plan that needs no
			-- statistics: `id = ANY (ids)` let a plan cached while `records` was small scan
			-- every plot for each batch.
			candidates := ARRAY(
				SELECT x FROM unnest(ids) x WHERE ds = td
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'plots' AND t.data ? 'plot_id' AND t.data ->> 'plot_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT t.id FROM unnest(ids) x
				 CROSS JOIN LATERAL (
					SELECT w.geom FROM records w
					 WHERE w.dataset = 'plots' AND w.id = x AND w.deleted_at IS NULL) w
				  JOIN records t ON ST_Intersects(t.geom, w.geom)
				 WHERE ds = 'plots'
				   AND t.dataset IN ('land-use-changes', 'planning-permits',
						     'land-supply-plans', 'construction-permits')
				   AND t.deleted_at IS NULL AND NOT t.data ? 'plot_id' AND t.dataset = td
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'farmland-units' AND t.data ? 'farmland_unit_id'
				   AND t.data ->> 'farmland_unit_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT w.data ->> 'farmland_unit_id' FROM unnest(ids) x
				 CROSS JOIN LATERAL (
					SELECT w.data FROM records w
					 WHERE w.dataset = ds AND w.id = x AND w.data ? 'farmland_unit_id') w
				 WHERE td = 'farmland-units'
				UNION
				SELECT f.trigger_id FROM findings f
				 WHERE f.status = 'open' AND f.cited && keys AND f.rule = r.rule
				   AND f.trigger_dataset = td);
			PERFORM rules_check(r, td, candidates, key_id, request_id);
		END LOOP;
	END LOOP;
END
$$;
