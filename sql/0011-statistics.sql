-- The plan's statistics (SPEC §10, GET /v1/statistics): per district and for the city, plots
-- by status, open findings by rule, and the task 1–2 and 6 safe-use rates with the ids behind
-- them, as the shared data stood at the end of a Beijing day. The records are those of the
-- change log, so that a past day is answered as it was, not as the records are now.

-- Each record of `datasets` as it stood just before `cutoff`: its last change logged before
-- then, unless that change deleted it.
CREATE FUNCTION records_before(datasets text[], cutoff timestamptz)
RETURNS TABLE (dataset text, id text, record jsonb)
LANGUAGE sql STABLE
AS $$
	SELECT v.dataset, v.id, v.record
	  FROM (SELECT DISTINCT ON (c.dataset, c.id) c.dataset, c.id, c.op, c.record
		  FROM changes c
		 WHERE c.dataset = ANY (datasets) AND c.changed_at < cutoff
		 ORDER BY c.dataset, c.id, c.version DESC) v
	 WHERE v.op = 'upsert'
$$;

-- The end of a Beijing calendar day: the instant of the next midnight in Asia/Shanghai.
CREATE FUNCTION beijing_day_end(day date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' $$;

-- One rate: numerator / denominator, null when the denominator is 0 (no plot or area to
-- judge is not 100 %), with the ids counted in each (`unit`: what the two figures count).
CREATE FUNCTION statistics_rate(unit text, numerator numeric, denominator numeric,
				numerator_ids text[], denominator_ids text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT json_build_object('unit', unit, 'numerator', coalesce(numerator, 0),
		'denominator', coalesce(denominator, 0),
		'rate', CASE WHEN denominator > 0 THEN coalesce(numerator, 0)::float8 / denominator::float8 END,
		'numerator_ids', coalesce(numerator_ids, '{}'),
		'denominator_ids', coalesce(denominator_ids, '{}'))
$$;

-- The statistics at the end of Beijing day `as_of` (the instant of the next midnight,
-- Asia/Shanghai): records as the change log had them before that instant, and findings open
-- then (opened before it, not resolved before it).
CREATE FUNCTION statistics_json(as_of date) RETURNS json
LANGUAGE sql STABLE
AS $$
WITH cutoff AS (
	SELECT beijing_day_end(as_of) AS t
), live AS (
	-- While the day is not over, every change logged so far is before the cutoff: the last
	-- one of each record is the record as it is, read from `records` rather than rebuilt
	-- from the log.
	SELECT r.dataset, r.id, r.data AS record
	  FROM records r
	 WHERE beijing_day_end(as_of) > now()
	   AND r.dataset IN ('plots', 'land-use-changes', 'planning-permits', 'land-supply-plans',
			     'construction-permits', 'farmland-units')
	   AND r.deleted_at IS NULL
	UNION ALL
	SELECT b.*
	  FROM records_before(ARRAY['plots', 'land-use-changes', 'planning-permits',
		'land-supply-plans', 'construction-permits', 'farmland-units'], beijing_day_end(as_of)) b
	 WHERE beijing_day_end(as_of) <= now()
), plots AS (
	SELECT id, record ->> 'district' AS district, record ->> 'status' AS status
	  FROM live WHERE dataset = 'plots'
), open_findings AS (
	SELECT f.rule, f.district, f.plot_id
	  FROM findings f, cutoff
	 WHERE f.opened_at < cutoff.t AND (f.resolved_at IS NULL OR f.resolved_at >= cutoff.t)
), sensitive_plot_ids AS (
	-- Plots that a land-use change, planning permit or land-supply item gives a sensitive
	-- use (task 5) through its plot_id.
	SELECT DISTINCT t.record ->> 'plot_id' AS id
	  FROM live t
	 WHERE t.record ? 'plot_id' AND land_use_sensitive(CASE t.dataset
		WHEN 'land-use-changes' THEN t.record ->> 'to_use'
		WHEN 'planning-permits' THEN t.record ->> 'land_use'
		WHEN 'land-supply-plans' THEN t.record ->> 'planned_use' END)
), permit_plot_ids AS (
	SELECT DISTINCT t.record ->> 'plot_id' AS id
	  FROM live t WHERE t.dataset = 'construction-permits' AND t.record ? 'plot_id'
), key_land AS (
	-- 重点建设用地安全利用率: the plots given a sensitive use; safe without an open
	-- finding of a sensitive use or of construction on the plot.
	SELECT p.id, p.district,
	       NOT EXISTS (SELECT 1 FROM open_findings f WHERE f.plot_id = p.id
			     AND f.rule IN ('sensitive-use-before-clearance',
					    'construction-on-listed-plot',
					    'construction-without-survey')) AS safe
	  FROM plots p JOIN sensitive_plot_ids USING (id)
), contaminated AS (
	-- 污染地块安全利用率: plots ever above screening or in the 名录 that a construction
	-- permit names; safe without an open construction finding on the plot.
	SELECT p.id, p.district,
	       NOT EXISTS (SELECT 1 FROM open_findings f WHERE f.plot_id = p.id
			     AND f.rule IN ('construction-on-listed-plot',
					    'construction-without-survey')) AS safe
	  FROM plots p JOIN permit_plot_ids USING (id)
	 WHERE EXISTS (SELECT 1 FROM changes c, cutoff
			WHERE c.dataset = 'plots' AND c.id = p.id AND c.changed_at < cutoff.t
			  AND c.record ->> 'status' IN ('exceeds_screening', 'detailed_survey',
				'risk_assessment', 'listed', 'under_control', 'effect_evaluation',
				'delisted'))
), farmland AS (
	-- 受污染耕地安全利用率: safe-use and strict-control farmland units, by area; safe when
	-- their measures are recorded (blank text is not a measure). No area counts as 0 mu.
	SELECT id, record ->> 'district' AS district,
	       coalesce((record ->> 'area_mu')::numeric, 0) AS area_mu,
	       coalesce(btrim(record ->> 'measures', E' \t\r\n　'), '') <> '' AS safe
	  FROM live
	 WHERE dataset = 'farmland-units' AND record ->> 'class' IN ('safe_use', 'strict_control')
), scopes AS (
	-- Every district, and the city as a whole; each fact below counts in its district's
	-- scope and in the city's.
	SELECT code AS scope FROM districts UNION ALL SELECT 'city'
), status_counts AS (
	SELECT s.scope, p.status, count(*) AS n
	  FROM plots p, unnest(ARRAY[p.district, 'city']) s (scope) GROUP BY 1, 2
), by_status AS (
	SELECT sc.scope, json_object_agg(st.status, coalesce(c.n, 0) ORDER BY st.n) AS doc
	  FROM scopes sc
	 CROSS JOIN unnest(ARRAY['suspected', 'preliminary_survey', 'cleared',
		'exceeds_screening', 'detailed_survey', 'risk_assessment', 'listed',
		'under_control', 'effect_evaluation', 'delisted', 'post_management', 'closed'])
		WITH ORDINALITY st (status, n)
	  LEFT JOIN status_counts c ON c.scope = sc.scope AND c.status = st.status
	 GROUP BY sc.scope
), rule_counts AS (
	SELECT s.scope, f.rule, count(*) AS n
	  FROM open_findings f, unnest(ARRAY[f.district, 'city']) s (scope) GROUP BY 1, 2
), by_rule AS (
	SELECT sc.scope, json_object_agg(r.rule, coalesce(c.n, 0) ORDER BY r.rule) AS doc
	  FROM scopes sc CROSS JOIN rules r
	  LEFT JOIN rule_counts c ON c.scope = sc.scope AND c.rule = r.rule
	 GROUP BY sc.scope
), key_land_rate AS (
	SELECT s.scope, statistics_rate('plots', count(*) FILTER (WHERE k.safe), count(*),
		array_agg(k.id ORDER BY k.id) FILTER (WHERE k.safe), array_agg(k.id ORDER BY k.id))
		AS doc
	  FROM key_land k, unnest(ARRAY[k.district, 'city']) s (scope) GROUP BY 1
), contaminated_rate AS (
	SELECT s.scope, statistics_rate('plots', count(*) FILTER (WHERE k.safe), count(*),
		array_agg(k.id ORDER BY k.id) FILTER (WHERE k.safe), array_agg(k.id ORDER BY k.id))
		AS doc
	  FROM contaminated k, unnest(ARRAY[k.district, 'city']) s (scope) GROUP BY 1
), farmland_rate AS (
	SELECT s.scope, statistics_rate('mu', sum(u.area_mu) FILTER (WHERE u.safe),
		sum(u.area_mu), array_agg(u.id ORDER BY u.id) FILTER (WHERE u.safe),
		array_agg(u.id ORDER BY u.id)) AS doc
	  FROM farmland u, unnest(ARRAY[u.district, 'city']) s (scope) GROUP BY 1
), figures AS (
	SELECT sc.scope, bs.doc AS plots_by_status,
	       coalesce(br.doc, '{}') AS open_findings_by_rule,
	       json_build_object(
		'key_construction_land_safe_use',
			coalesce(k.doc, statistics_rate('plots', 0, 0, NULL, NULL)),
		'contaminated_plot_safe_use',
			coalesce(c.doc, statistics_rate('plots', 0, 0, NULL, NULL)),
		'contaminated_farmland_safe_use',
			coalesce(f.doc, statistics_rate('mu', 0, 0, NULL, NULL))) AS rates
	  FROM scopes sc
	  JOIN by_status bs ON bs.scope = sc.scope
	  LEFT JOIN by_rule br ON br.scope = sc.scope
	  LEFT JOIN key_land_rate k ON k.scope = sc.scope
	  LEFT JOIN contaminated_rate c ON c.scope = sc.scope
	  LEFT JOIN farmland_rate f ON f.scope = sc.scope
)
SELECT json_build_object(
	'as_of', to_char(as_of, 'YYYY-MM-DD'),
	'counted_before', (SELECT rfc3339(t) FROM cutoff),
	'city', (SELECT json_build_object('plots_by_status', plots_by_status,
			'open_findings_by_rule', open_findings_by_rule, 'rates', rates)
		   FROM figures WHERE scope = 'city'),
	'districts', (SELECT json_agg(json_build_object('code', d.code, 'name_zh', d.name_zh,
			'name_en', d.name_en, 'plots_by_status', g.plots_by_status,
			'open_findings_by_rule', g.open_findings_by_rule, 'rates', g.rates)
			ORDER BY d.code)
		   FROM districts d JOIN figures g ON g.scope = d.code))
$$;
