-- Cross-agency rules (SPEC §5) and the findings they open and resolve.
--
-- A rule is one row of `rules`: its name, severity, the datasets whose records trigger it,
-- its plan tasks, and `check_sql`: a query that, given a trigger dataset ($1) and candidate
-- trigger ids ($2 text[]), returns the candidates that break the rule, each with
-- (trigger_id, district, plot_id, records jsonb, agencies jsonb, message_zh, message_en).
-- Adding a rule is one INSERT here; rules_evaluate() does the rest.

CREATE TABLE rules (
	rule             text PRIMARY KEY,
	severity         text NOT NULL CHECK (severity IN ('high', 'medium')),
	trigger_datasets text[] NOT NULL,
	plan_tasks       integer[] NOT NULL,
	title_zh         text NOT NULL,
	title_en         text NOT NULL,
	time_based       boolean NOT NULL DEFAULT false, -- also checked by the periodic sweep
	check_sql        text NOT NULL
);

CREATE SEQUENCE finding_numbers;

-- F0000000001, F0000000002, ...: ten digits at least, so that ids sort in creation order.
CREATE FUNCTION next_finding_id() RETURNS text
LANGUAGE sql
AS $$
	SELECT 'F' || lpad(n::text, greatest(10, length(n::text)), '0')
	  FROM (SELECT nextval('finding_numbers') AS n) s
$$;

CREATE TABLE findings (
	id               text COLLATE "C" PRIMARY KEY
				 DEFAULT next_finding_id(),
	rule             text NOT NULL REFERENCES rules (rule),
	trigger_dataset  text NOT NULL,
	trigger_id       text COLLATE "C" NOT NULL,
	severity         text NOT NULL,
	status           text NOT NULL CHECK (status IN ('open', 'resolved')),
	version          integer NOT NULL DEFAULT 1,
	district         text,
	plot_id          text,
	records          jsonb NOT NULL,
	-- the records as "dataset/id" keys, to find the findings a write touches
	cited            text[] NOT NULL DEFAULT '{}',
	agencies         jsonb NOT NULL,
	message_zh       text NOT NULL,
	message_en       text NOT NULL,
	opened_at        timestamptz NOT NULL DEFAULT now(),
	resolved_at      timestamptz,
	updated_at       timestamptz NOT NULL DEFAULT now()
);
-- One open finding per rule and triggering record.
CREATE UNIQUE INDEX findings_open ON findings (rule, trigger_dataset, trigger_id)
	WHERE status = 'open';
CREATE INDEX findings_cited ON findings USING gin (cited) WHERE status = 'open';

CREATE FUNCTION record_keys(records jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(array_agg((r ->> 'dataset') || '/' || (r ->> 'id')), '{}')
	FROM jsonb_array_elements(records) r $$;

CREATE FUNCTION finding_doc(f findings) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT jsonb_build_object('id', f.id, 'rule', f.rule, 'severity', f.severity,
		'status', f.status, 'message_zh', f.message_zh, 'message_en', f.message_en,
		'district', f.district, 'plot_id', f.plot_id, 'records', f.records,
		'agencies', f.agencies, 'opened_at', rfc3339(f.opened_at),
		'resolved_at', rfc3339(f.resolved_at), 'version', f.version,
		'updated_at', rfc3339(f.updated_at))
$$;

-- The live plot a record names, if any (status and name), for the rules' messages.
CREATE FUNCTION plot_of(plot_id text) RETURNS records
LANGUAGE sql STABLE
AS $$
	SELECT * FROM records WHERE dataset = 'plots' AND id = plot_id AND deleted_at IS NULL
$$;

-- Beijing's calendar date today.
CREATE FUNCTION beijing_today() RETURNS date
LANGUAGE sql STABLE
AS $$ SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date $$;

-- Checks one rule for candidate trigger records of one dataset: opens, keeps or resolves
-- findings, and logs each finding that changes to the change feed.
CREATE FUNCTION rules_check(r rules, td text, candidates text[], key_id text, request_id text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v record;
	violating text[] := '{}';
	f findings;
BEGIN
	IF candidates IS NULL OR cardinality(candidates) = 0 THEN
		RETURN;
	END IF;
	FOR v IN EXECUTE r.check_sql USING td, candidates LOOP
		violating := violating || v.trigger_id;
		SELECT * INTO f FROM findings
		 WHERE rule = r.rule AND trigger_dataset = td AND trigger_id = v.trigger_id
		   AND status = 'open';
		IF NOT FOUND THEN
			INSERT INTO findings (rule, trigger_dataset, trigger_id, severity, status, district,
					      plot_id, records, cited, agencies, message_zh, message_en)
			VALUES (r.rule, td, v.trigger_id, r.severity, 'open', v.district, v.plot_id,
				v.records, record_keys(v.records), v.agencies, v.message_zh, v.message_en)
			RETURNING * INTO f;
		ELSIF (f.records, f.message_zh, f.message_en, f.district, f.plot_id, f.agencies)
		      IS DISTINCT FROM (v.records, v.message_zh, v.message_en, v.district, v.plot_id,
					v.agencies) THEN
			-- Still the same finding; what it says follows the data.
			UPDATE findings SET records = v.records, cited = record_keys(v.records),
			       message_zh = v.message_zh,
			       message_en = v.message_en, district = v.district, plot_id = v.plot_id,
			       agencies = v.agencies, version = version + 1, updated_at = now()
			 WHERE id = f.id RETURNING * INTO f;
		ELSE
			CONTINUE;
		END IF;
		INSERT INTO changes (dataset, id, op, version, publisher, key_id, request_id, record)
		VALUES ('findings', f.id, 'upsert', f.version, 'soilshare', key_id, request_id,
			finding_doc(f));
	END LOOP;
	FOR f IN UPDATE findings SET status = 'resolved', resolved_at = now(), updated_at = now(),
			version = version + 1
		  WHERE rule = r.rule AND trigger_dataset = td AND status = 'open'
		    AND trigger_id = ANY (candidates) AND NOT trigger_id = ANY (violating)
		  RETURNING * LOOP
		INSERT INTO changes (dataset, id, op, version, publisher, key_id, request_id, record)
		VALUES ('findings', f.id, 'upsert', f.version, 'soilshare', key_id, request_id,
			finding_doc(f));
	END LOOP;
END
$$;

-- After records of `ds` with `ids` were written or deleted (same transaction): brings the
-- samples of changed plots up to date, then checks every rule those records can affect.
CREATE FUNCTION rules_evaluate(ds text, ids text[], key_id text, request_id text)
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
		-- A plot's land class decides its samples' GB 36600 limits.
		WITH upd AS (
			UPDATE records s SET data = s.data || jsonb_build_object('exceedances',
					sample_exceedances(s.data)),
			       version = s.version + 1, updated_at = now()
			 WHERE s.data ? 'plot_id' AND s.data ->> 'plot_id' = ANY (ids)
			   AND s.dataset = 'soil-samples' AND s.deleted_at IS NULL
			   AND s.data -> 'exceedances' IS DISTINCT FROM sample_exceedances(s.data)
			RETURNING s.*)
		INSERT INTO changes (dataset, id, op, version, publisher, key_id, request_id,
				     changed_at, record, record_created_at)
		SELECT u.dataset, u.id, 'upsert', u.version, u.publisher, key_id, request_id,
		       u.updated_at, u.data, u.created_at
		  FROM upd u;
	END IF;
	FOR r IN SELECT * FROM rules ORDER BY rule LOOP
		FOREACH td IN ARRAY r.trigger_datasets LOOP
			-- Each branch is its own indexed query: the written records themselves,
			-- records naming a written plot or farmland unit, the farmland unit a
			-- written sample names, and open findings citing a written record (it may
			-- have moved away since).
			candidates := ARRAY(
				SELECT x FROM unnest(ids) x WHERE ds = td
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'plots' AND t.data ? 'plot_id' AND t.data ->> 'plot_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'farmland-units' AND t.data ? 'farmland_unit_id'
				   AND t.data ->> 'farmland_unit_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT w.data ->> 'farmland_unit_id' FROM records w
				 WHERE td = 'farmland-units' AND w.dataset = ds AND w.id = ANY (ids)
				   AND w.data ? 'farmland_unit_id'
				UNION
				SELECT f.trigger_id FROM findings f
				 WHERE f.status = 'open' AND f.cited && keys AND f.rule = r.rule
				   AND f.trigger_dataset = td);
			PERFORM rules_check(r, td, candidates, key_id, request_id);
		END LOOP;
	END LOOP;
END
$$;

-- Re-checks the time-based rules over all their trigger records (the periodic sweep).
CREATE FUNCTION rules_sweep() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r rules;
	td text;
BEGIN
	IF NOT pg_try_advisory_xact_lock(7438203) THEN
		RETURN;
	END IF;
	FOR r IN SELECT * FROM rules WHERE time_based LOOP
		FOREACH td IN ARRAY r.trigger_datasets LOOP
			PERFORM rules_check(r, td,
				(SELECT array_agg(id) FROM records WHERE dataset = td AND deleted_at IS NULL),
				NULL, NULL);
		END LOOP;
	END LOOP;
END
$$;

-- The agencies that must act on a finding: the triggering record's publisher and ecology.
CREATE FUNCTION with_ecology(publisher text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT to_jsonb(ARRAY(SELECT DISTINCT a FROM unnest(ARRAY[publisher, 'ecology']) a ORDER BY a)) $$;

-- The records a sample finding cites: the sample and the plot or farmland unit it names.
CREATE FUNCTION sample_records(id text, data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT jsonb_build_array(jsonb_build_object('dataset', 'soil-samples', 'id', id),
		CASE WHEN data ? 'plot_id'
		     THEN jsonb_build_object('dataset', 'plots', 'id', data ->> 'plot_id')
		     ELSE jsonb_build_object('dataset', 'farmland-units', 'id', data ->> 'farmland_unit_id') END)
$$;

-- The rules. Each check_sql sees $1 (trigger dataset) and $2 (candidate ids).
INSERT INTO rules (rule, severity, trigger_datasets, plan_tasks, title_zh, title_en, check_sql) VALUES
('sensitive-use-before-clearance', 'high',
 '{land-use-changes,planning-permits,land-supply-plans}', '{5}',
 '敏感用途先于调查评估', 'Sensitive use before the plot is cleared',
 $q$
 SELECT t.id AS trigger_id, t.district, p.id AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', p.id)) AS records,
	with_ecology(t.publisher)
		AS agencies,
	format('%s %s 将地块 %s 规划为第一类用地（%s），但该地块状态为 %s，尚未完成调查评估。',
	       CASE $1 WHEN 'land-use-changes' THEN '用途变更' WHEN 'planning-permits' THEN '规划许可'
	       ELSE '供地计划' END, t.id, p.id, u.code, p.data ->> 'status') AS message_zh,
	format('%s %s gives plot %s a class I use (%s) while the plot is %s: survey and '
	       'assessment must clear it first.', $1, t.id, p.id, u.code,
	       p.data ->> 'status') AS message_en
   FROM records t
   CROSS JOIN LATERAL (SELECT CASE $1 WHEN 'land-use-changes' THEN t.data ->> 'to_use'
				 WHEN 'planning-permits' THEN t.data ->> 'land_use'
				 ELSE t.data ->> 'planned_use' END AS code) u
   JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND land_class_of(u.code) = 'I'
    AND p.data ->> 'status' NOT IN ('cleared', 'delisted', 'post_management', 'closed')
 $q$),
('construction-on-listed-plot', 'high', '{construction-permits}', '{17}',
 '名录内地块违规开工', 'Construction on a plot in the risk control directory',
 $q$
 SELECT t.id AS trigger_id, t.district, p.id AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', p.id)) AS records,
	'["ecology", "housing"]'::jsonb AS agencies,
	format('施工许可 %s 所在地块 %s 处于 %s 状态（风险管控和修复名录内），且不是修复工程。',
	       t.id, p.id, p.data ->> 'status') AS message_zh,
	format('Construction permit %s is on plot %s, which is %s (in the risk control and '
	       'remediation directory), and is not a remediation project.', t.id, p.id,
	       p.data ->> 'status') AS message_en
   FROM records t
   JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND p.data ->> 'status' IN ('listed', 'under_control', 'effect_evaluation')
    AND NOT coalesce((t.data ->> 'is_remediation_project')::boolean, false)
 $q$),
('construction-without-survey', 'medium', '{construction-permits}', '{17}',
 '未完成调查评估即开工', 'Construction before the plot''s survey is complete',
 $q$
 SELECT t.id AS trigger_id, t.district, p.id AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', p.id)) AS records,
	'["ecology", "housing"]'::jsonb AS agencies,
	format('施工许可 %s 所在地块 %s 仍处于 %s 状态，调查评估尚未完成。', t.id, p.id,
	       p.data ->> 'status') AS message_zh,
	format('Construction permit %s is on plot %s, which is still %s: its survey and '
	       'assessment are not complete.', t.id, p.id, p.data ->> 'status') AS message_en
   FROM records t
   JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND p.data ->> 'status' IN ('suspected', 'preliminary_survey', 'exceeds_screening',
				'detailed_survey', 'risk_assessment')
 $q$),
('transfer-without-survey', 'medium', '{land-right-transfers}', '{4}',
 '未调查即收回或转让', 'Land right recovered or transferred without a survey',
 $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', t.data ->> 'plot_id')) AS records,
	'["ecology", "planning"]'::jsonb AS agencies,
	CASE WHEN p.id IS NULL THEN
		format('收回/转让计划 %s 涉及的地块 %s 尚无地块记录，未开展土壤污染状况调查。',
		       t.id, t.data ->> 'plot_id')
	ELSE format('收回/转让计划 %s 涉及的地块 %s 仍处于 %s 状态，土壤污染状况调查未完成。',
		    t.id, p.id, p.data ->> 'status') END AS message_zh,
	CASE WHEN p.id IS NULL THEN
		format('Land-right plan item %s names plot %s, which has no plot record: no soil '
		       'survey is on file.', t.id, t.data ->> 'plot_id')
	ELSE format('Land-right plan item %s names plot %s, which is still %s: its soil survey '
		    'is not complete.', t.id, p.id, p.data ->> 'status') END AS message_en
   FROM records t
   LEFT JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id'
			 AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND (p.id IS NULL OR p.data ->> 'status' IN ('suspected', 'preliminary_survey'))
 $q$),
('closed-enterprise-unscreened', 'medium', '{closed-enterprises}', '{4}',
 '关停企业用地未纳入筛查', 'Closed enterprise''s site not screened',
 $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id)) AS records,
	'["district", "ecology", "economy"]'::jsonb AS agencies,
	format('关停企业 %s（%s）于 %s 关停，已超过 90 天，其用地%s。', t.data ->> 'name', t.id,
	       t.data ->> 'closed_on', CASE WHEN t.data ? 'plot_id'
	       THEN format('（地块 %s）尚无地块记录', t.data ->> 'plot_id')
	       ELSE '尚未关联地块记录' END) AS message_zh,
	format('Enterprise %s (%s) closed on %s, more than 90 days ago, and its site %s.',
	       t.data ->> 'name', t.id, t.data ->> 'closed_on', CASE WHEN t.data ? 'plot_id'
	       THEN format('(plot %s) has no plot record', t.data ->> 'plot_id')
	       ELSE 'is not linked to a plot record' END) AS message_en
   FROM records t
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND beijing_today() - (t.data ->> 'closed_on')::date > 90
    AND (NOT t.data ? 'plot_id' OR NOT EXISTS (SELECT 1 FROM records p
		WHERE p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL))
 $q$),
('sample-exceeds-screening', 'medium', '{soil-samples}', '{4,9,17}',
 '样品超过筛选值', 'Sample above the screening value',
 $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	sample_records(t.id, t.data) AS records,
	with_ecology(t.publisher) AS agencies,
	format('样品 %s 超过筛选值：%s。', t.id, (SELECT string_agg(format('%s %s%s（筛选值 %s）',
	       e ->> 'pollutant', e ->> 'value', e ->> 'unit', e ->> 'limit'), '，')
	       FROM jsonb_array_elements(t.data -> 'exceedances') e)) AS message_zh,
	format('Sample %s is above the screening value: %s.', t.id, (SELECT string_agg(format(
	       '%s %s %s (screening value %s)', e ->> 'pollutant', e ->> 'value', e ->> 'unit',
	       e ->> 'limit'), ', ') FROM jsonb_array_elements(t.data -> 'exceedances') e)) AS message_en
   FROM records t
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND jsonb_array_length(t.data -> 'exceedances') > 0
    AND NOT t.data -> 'exceedances' @> '[{"level": "intervention"}]'
 $q$),
('sample-exceeds-intervention', 'high', '{soil-samples}', '{4,9,17}',
 '样品超过管制值', 'Sample above the intervention value',
 $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	sample_records(t.id, t.data) AS records,
	with_ecology(t.publisher) AS agencies,
	format('样品 %s 超过管制值：%s。', t.id, (SELECT string_agg(format('%s %s%s（管制值 %s）',
	       e ->> 'pollutant', e ->> 'value', e ->> 'unit', e ->> 'limit'), '，')
	       FROM jsonb_array_elements(t.data -> 'exceedances') e
	      WHERE e ->> 'level' = 'intervention')) AS message_zh,
	format('Sample %s is above the intervention value: %s.', t.id, (SELECT string_agg(format(
	       '%s %s %s (intervention value %s)', e ->> 'pollutant', e ->> 'value', e ->> 'unit',
	       e ->> 'limit'), ', ') FROM jsonb_array_elements(t.data -> 'exceedances') e
	      WHERE e ->> 'level' = 'intervention')) AS message_en
   FROM records t
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND t.data -> 'exceedances' @> '[{"level": "intervention"}]'
 $q$),
('farmland-class-mismatch', 'medium', '{farmland-units}', '{9}',
 '农用地类别与监测结果不符', 'Farmland class does not match its samples',
 $q$
 SELECT u.id AS trigger_id, u.district, NULL::text AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', u.id)) ||
	(SELECT jsonb_agg(jsonb_build_object('dataset', 'soil-samples', 'id', s.id) ORDER BY s.id)
	   FROM records s WHERE s.dataset = 'soil-samples' AND s.deleted_at IS NULL
	    AND s.data ->> 'farmland_unit_id' = u.id
	    AND CASE u.data ->> 'class' WHEN 'priority_protection'
		     THEN jsonb_array_length(s.data -> 'exceedances') > 0
		     ELSE s.data -> 'exceedances' @> '[{"level": "intervention"}]' END) AS records,
	with_ecology(u.publisher) AS agencies,
	CASE u.data ->> 'class' WHEN 'priority_protection'
	     THEN format('优先保护类农用地 %s 有样品超过风险筛选值，应重新评估类别。', u.id)
	     ELSE format('%s农用地 %s 有样品超过风险管制值，应划为严格管控类。',
			 '安全利用类', u.id) END AS message_zh,
	CASE u.data ->> 'class' WHEN 'priority_protection'
	     THEN format('Priority-protection farmland unit %s has a sample above the screening '
			 'value: its class needs review.', u.id)
	     ELSE format('Farmland unit %s is %s but has a sample above the control value: it '
			 'belongs in strict control.', u.id, u.data ->> 'class') END AS message_en
   FROM records u
  WHERE u.dataset = $1 AND u.id = ANY ($2) AND u.deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM records s WHERE s.dataset = 'soil-samples' AND s.deleted_at IS NULL
		AND s.data ->> 'farmland_unit_id' = u.id
		AND CASE u.data ->> 'class'
		    WHEN 'priority_protection' THEN jsonb_array_length(s.data -> 'exceedances') > 0
		    WHEN 'strict_control' THEN false
		    ELSE s.data -> 'exceedances' @> '[{"level": "intervention"}]' END)
 $q$);

UPDATE rules SET time_based = true WHERE rule = 'closed-enterprise-unscreened';
