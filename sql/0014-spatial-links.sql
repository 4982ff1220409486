-- Spatial links (SPEC §6): a land-use change, planning permit, land-supply item or construction
-- permit without `plot_id` whose own geometry intersects a plot's geometry is linked to that
-- plot, and the rules about plots apply to it through that link. A finding says how its plot
-- was found (`link`), every rule's check_sql returns it, and rules_evaluate finds the records
-- a plot write meets by geometry.

-- How the finding's plot_id was found: 'plot_id' when the triggering record names the plot
-- (with or without a plot record behind it), 'spatial' when only the geometries meet, NULL
-- when no plot is involved; so link is NULL exactly when plot_id is.
ALTER TABLE findings ADD COLUMN link text CHECK (link IN ('plot_id', 'spatial'));
UPDATE findings SET link = 'plot_id' WHERE plot_id IS NOT NULL;
ALTER TABLE findings ADD CHECK ((link IS NULL) = (plot_id IS NULL));

CREATE OR REPLACE FUNCTION finding_doc(f findings) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT jsonb_build_object('id', f.id, 'rule', f.rule, 'severity', f.severity,
		'status', f.status, 'message_zh', f.message_zh, 'message_en', f.message_en,
		'district', f.district, 'plot_id', f.plot_id, 'link', f.link, 'records', f.records,
		'agencies', f.agencies, 'opened_at', rfc3339(f.opened_at),
		'resolved_at', rfc3339(f.resolved_at), 'version', f.version,
		'updated_at', rfc3339(f.updated_at))
$$;

-- Every finding's document gains `link`: a new version in the change feed, so that copies
-- kept by the feed have it too.
WITH upd AS (
	UPDATE findings SET version = version + 1, updated_at = now() RETURNING *)
INSERT INTO changes (dataset, id, op, version, publisher, record)
SELECT 'findings', u.id, 'upsert', u.version, 'soilshare', finding_doc(u) FROM upd u ORDER BY u.id;

-- The lookups of a spatial link, in both directions, stay index scans of the live records
-- involved: plots by their geometry, and the trigger records that name no plot by theirs.
CREATE INDEX records_plot_geom ON records USING gist (geom)
	WHERE dataset = 'plots' AND deleted_at IS NULL;
CREATE INDEX records_spatial_link_geom ON records USING gist (geom)
	WHERE dataset IN ('land-use-changes', 'planning-permits', 'land-supply-plans',
			  'construction-permits')
	  AND deleted_at IS NULL AND NOT data ? 'plot_id';

-- The live plots a record of those four datasets is linked to, with how: the plot its
-- plot_id names (and no other, even when geometries meet), or, when it names none, every
-- plot whose geometry intersects the record's `geom`.
CREATE FUNCTION linked_plots(rec jsonb, shape geometry)
RETURNS TABLE (id text, data jsonb, link text)
LANGUAGE sql STABLE
AS $$
	SELECT p.id, p.data, 'plot_id' FROM records p
	 WHERE rec ? 'plot_id' AND p.dataset = 'plots' AND p.id = rec ->> 'plot_id'
	   AND p.deleted_at IS NULL
	UNION ALL
	SELECT p.id, p.data, 'spatial' FROM records p
	 WHERE NOT rec ? 'plot_id' AND p.dataset = 'plots' AND p.deleted_at IS NULL
	   AND ST_Intersects(p.geom, shape)
$$;

-- What a finding's Chinese message says after its record's id: when the record is linked to
-- `plots` by geometry only, "（未填写地块编码，按空间位置与地块 X 重叠）", else a space.
CREATE FUNCTION spatial_link_zh(link text, plots text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN link = 'spatial' THEN
		format('（未填写地块编码，按空间位置与地块 %s 重叠）', array_to_string(plots, '、'))
	ELSE ' ' END
$$;

-- The same in English: " (no plot_id given; its geometry overlaps plot X)", else nothing.
CREATE FUNCTION spatial_link_en(link text, plots text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN link = 'spatial' THEN
		format(' (no plot_id given; its geometry overlaps %s %s)',
		       CASE WHEN cardinality(plots) > 1 THEN 'plots' ELSE 'plot' END,
		       array_to_string(plots, ', '))
	ELSE '' END
$$;

-- A plot write and a write of a trigger record meet here, so that of two concurrent writes
-- whose geometries intersect, the later always sees the earlier (each statement of
-- rules_evaluate takes a fresh snapshot): plot writes lock it in SHARE mode, trigger writes
-- in ROW EXCLUSIVE mode. Each mode conflicts with the other but not with itself, so plots
-- are still written concurrently with plots, and permits with permits. (The row locks on a
-- plot do this for plot_id links.)
CREATE TABLE spatial_links_gate ();

-- Checks one rule for candidate trigger records of one dataset: opens, keeps or resolves
-- findings, and logs each finding that changes to the change feed. A check_sql returns
-- (trigger_id, district, plot_id, link, records, agencies, message_zh, message_en), one row
-- per candidate that breaks the rule.
CREATE OR REPLACE FUNCTION rules_check(r rules, td text, candidates text[], key_id text,
				       request_id text)
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
					      plot_id, link, records, cited, agencies, message_zh,
					      message_en)
			VALUES (r.rule, td, v.trigger_id, r.severity, 'open', v.district, v.plot_id,
				v.link, v.records, record_keys(v.records), v.agencies, v.message_zh,
				v.message_en)
			RETURNING * INTO f;
		ELSIF (f.records, f.message_zh, f.message_en, f.district, f.plot_id, f.link,
		       f.agencies)
		      IS DISTINCT FROM (v.records, v.message_zh, v.message_en, v.district, v.plot_id,
					v.link, v.agencies) THEN
			-- Still the same finding; what it says follows the data.
			UPDATE findings SET records = v.records, cited = record_keys(v.records),
			       message_zh = v.message_zh,
			       message_en = v.message_en, district = v.district, plot_id = v.plot_id,
			       link = v.link, agencies = v.agencies, version = version + 1,
			       updated_at = now()
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
-- samples of changed plots (land class) and farmland units (land type) up to date, then
-- checks every rule those records can affect.
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
			-- its plan uses that index.
			candidates := ARRAY(
				SELECT x FROM unnest(ids) x WHERE ds = td
				UNION
				SELECT t.id FROM records t
				 WHERE ds = 'plots' AND t.data ? 'plot_id' AND t.data ->> 'plot_id' = ANY (ids)
				   AND t.dataset = td AND t.deleted_at IS NULL
				UNION
				SELECT t.id FROM records w
				  JOIN records t ON ST_Intersects(t.geom, w.geom)
				 WHERE ds = 'plots' AND w.dataset = 'plots' AND w.id = ANY (ids)
				   AND w.deleted_at IS NULL
				   AND t.dataset IN ('land-use-changes', 'planning-permits',
						     'land-supply-plans', 'construction-permits')
				   AND t.deleted_at IS NULL AND NOT t.data ? 'plot_id' AND t.dataset = td
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

-- The rules, each check_sql as 0010 and 0013 left it plus its `link`. The three rules about
-- a trigger record's plot reach it through linked_plots(): one finding per record, citing
-- every linked plot that breaks the rule (by id), with the first as plot_id; a spatial link
-- is said in both messages.

-- link: 'plot_id' or 'spatial', from linked_plots().
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, min(p.id) AS plot_id, min(p.link) AS link,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id))
		|| jsonb_agg(jsonb_build_object('dataset', 'plots', 'id', p.id) ORDER BY p.id)
		AS records,
	with_ecology(t.publisher) AS agencies,
	format('%s %s%s%s。', k.zh, t.id,
	       spatial_link_zh(min(p.link), array_agg(p.id ORDER BY p.id)),
	       string_agg(CASE WHEN w.cleared THEN
		format('将地块 %s 规划为%s（第一类用地），但该地块是按第二类用地完成调查评估的（%s），'
		       '改为第一类用地前须重新开展土壤污染状况调查', p.id, land_use_zh(u.code),
		       plot_status_zh(p.data ->> 'status'))
	       ELSE format('将地块 %s 规划为%s，但该地块状态为“%s”，尚未完成土壤污染状况调查评估',
			   p.id, land_use_zh(u.code), plot_status_zh(p.data ->> 'status'))
	       END, '；' ORDER BY p.id)) AS message_zh,
	format('%s %s%s %s.', $1, t.id,
	       spatial_link_en(min(p.link), array_agg(p.id ORDER BY p.id)),
	       string_agg(CASE WHEN w.cleared THEN
		format('gives plot %s a class I use (%s), but the plot was cleared for class II use '
		       'only: it must be surveyed again before the change', p.id, u.code)
	       ELSE format('gives plot %s a sensitive use (%s) while the plot is %s: survey and '
			   'assessment must clear it first', p.id, u.code, p.data ->> 'status')
	       END, '; ' ORDER BY p.id)) AS message_en
   FROM records t
   CROSS JOIN LATERAL (SELECT CASE $1 WHEN 'land-use-changes' THEN t.data ->> 'to_use'
				 WHEN 'planning-permits' THEN t.data ->> 'land_use'
				 ELSE t.data ->> 'planned_use' END AS code) u
   CROSS JOIN LATERAL (SELECT CASE $1 WHEN 'land-use-changes' THEN '用途变更'
				 WHEN 'planning-permits' THEN '规划许可' ELSE '供地计划' END AS zh) k
   CROSS JOIN LATERAL linked_plots(t.data, t.geom) p
   CROSS JOIN LATERAL (SELECT p.data ->> 'status' IN ('cleared', 'delisted', 'post_management',
						     'closed') AS done,
			      p.data ->> 'cleared_for' = 'II' AND land_class_of(u.code) = 'I'
				AS cleared_ii) c
   CROSS JOIN LATERAL (SELECT c.done AND c.cleared_ii AS cleared) w
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND ((land_use_sensitive(u.code) AND NOT c.done) OR w.cleared)
  GROUP BY t.dataset, t.id, u.code, k.zh
 $q$ WHERE rule = 'sensitive-use-before-clearance';

-- link: 'plot_id' or 'spatial', from linked_plots().
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, min(p.id) AS plot_id, min(p.link) AS link,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id))
		|| jsonb_agg(jsonb_build_object('dataset', 'plots', 'id', p.id) ORDER BY p.id)
		AS records,
	'["ecology", "housing"]'::jsonb AS agencies,
	format('施工许可 %s%s所在地块 %s（在风险管控和修复名录内），且不是修复工程。', t.id,
	       spatial_link_zh(min(p.link), array_agg(p.id ORDER BY p.id)),
	       string_agg(format('%s 状态为“%s”', p.id, plot_status_zh(p.data ->> 'status')),
			  '，地块 ' ORDER BY p.id)) AS message_zh,
	format('Construction permit %s%s is on %s (in the risk control and remediation '
	       'directory), and is not a remediation project.', t.id,
	       spatial_link_en(min(p.link), array_agg(p.id ORDER BY p.id)),
	       string_agg(format('plot %s, which is %s', p.id, p.data ->> 'status'), ', and '
			  ORDER BY p.id)) AS message_en
   FROM records t
   CROSS JOIN LATERAL linked_plots(t.data, t.geom) p
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND p.data ->> 'status' IN ('listed', 'under_control', 'effect_evaluation')
    AND NOT coalesce((t.data ->> 'is_remediation_project')::boolean, false)
  GROUP BY t.dataset, t.id
 $q$ WHERE rule = 'construction-on-listed-plot';

-- link: 'plot_id' or 'spatial', from linked_plots().
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, min(p.id) AS plot_id, min(p.link) AS link,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id))
		|| jsonb_agg(jsonb_build_object('dataset', 'plots', 'id', p.id) ORDER BY p.id)
		AS records,
	'["ecology", "housing"]'::jsonb AS agencies,
	format('施工许可 %s%s所在地块 %s，土壤污染状况调查评估尚未完成。', t.id,
	       spatial_link_zh(min(p.link), array_agg(p.id ORDER BY p.id)),
	       string_agg(format('%s 状态仍为“%s”', p.id, plot_status_zh(p.data ->> 'status')),
			  '，地块 ' ORDER BY p.id)) AS message_zh,
	format('Construction permit %s%s is on %s: %s survey and assessment are not complete.',
	       t.id, spatial_link_en(min(p.link), array_agg(p.id ORDER BY p.id)),
	       string_agg(format('plot %s, which is still %s', p.id, p.data ->> 'status'),
			  ', and ' ORDER BY p.id),
	       CASE WHEN count(*) > 1 THEN 'their' ELSE 'its' END) AS message_en
   FROM records t
   CROSS JOIN LATERAL linked_plots(t.data, t.geom) p
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND p.data ->> 'status' IN ('suspected', 'preliminary_survey', 'exceeds_screening',
				'detailed_survey', 'risk_assessment')
  GROUP BY t.dataset, t.id
 $q$ WHERE rule = 'construction-without-survey';

-- link: 'plot_id' always: the item must name its plot, which may have no record yet.
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id, 'plot_id' AS link,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', t.data ->> 'plot_id')) AS records,
	'["ecology", "planning"]'::jsonb AS agencies,
	CASE WHEN p.id IS NULL THEN
		format('收回/转让计划 %s 涉及的地块 %s 尚无地块记录，未开展土壤污染状况调查。',
		       t.id, t.data ->> 'plot_id')
	ELSE format('收回/转让计划 %s 涉及的地块 %s 状态仍为“%s”，土壤污染状况调查未完成。',
		    t.id, p.id, plot_status_zh(p.data ->> 'status')) END AS message_zh,
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
 $q$ WHERE rule = 'transfer-without-survey';

-- link: 'plot_id' when the enterprise names its site's plot (which then has no record: that
-- is the finding), NULL when it names none (plot_id is NULL too).
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	CASE WHEN t.data ? 'plot_id' THEN 'plot_id' END AS link,
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
 $q$ WHERE rule = 'closed-enterprise-unscreened';

-- link: 'plot_id' for a plot's sample, NULL for a farmland unit's or a key supervised unit's.
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	CASE WHEN t.data ? 'plot_id' THEN 'plot_id' END AS link,
	sample_records(t.id, t.data) AS records,
	with_ecology(t.publisher) AS agencies,
	format('样品 %s 超过筛选值：%s。', t.id,
	       exceedances_zh(t.data -> 'exceedances', 'screening', '筛选值')) AS message_zh,
	format('Sample %s is above the screening value: %s.', t.id,
	       exceedances_en(t.data -> 'exceedances', 'screening', 'screening value')) AS message_en
   FROM records t
   LEFT JOIN records p ON t.data ? 'plot_id' AND p.dataset = 'plots'
			 AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND jsonb_array_length(t.data -> 'exceedances') > 0
    AND NOT t.data -> 'exceedances' @> '[{"level": "intervention"}]'
    AND NOT (t.data ? 'plot_id' AND plot_accounts_for(p.data, t.data ->> 'sampled_on'))
 $q$ WHERE rule = 'sample-exceeds-screening';

-- link: as sample-exceeds-screening.
UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
	CASE WHEN t.data ? 'plot_id' THEN 'plot_id' END AS link,
	sample_records(t.id, t.data) AS records,
	with_ecology(t.publisher) AS agencies,
	format('样品 %s 超过管制值：%s。', t.id,
	       exceedances_zh(t.data -> 'exceedances', 'intervention', '管制值')) AS message_zh,
	format('Sample %s is above the intervention value: %s.', t.id,
	       exceedances_en(t.data -> 'exceedances', 'intervention', 'intervention value'))
		AS message_en
   FROM records t
   LEFT JOIN records p ON t.data ? 'plot_id' AND p.dataset = 'plots'
			 AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND t.data -> 'exceedances' @> '[{"level": "intervention"}]'
    AND NOT (t.data ? 'plot_id' AND plot_accounts_for(p.data, t.data ->> 'sampled_on'))
 $q$ WHERE rule = 'sample-exceeds-intervention';

-- link: NULL always: a farmland unit is no plot.
UPDATE rules SET check_sql = $q$
 SELECT u.id AS trigger_id, u.district, NULL::text AS plot_id, NULL::text AS link,
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
 $q$ WHERE rule = 'farmland-class-mismatch';

-- Records already stored meet the plots their geometries overlap.
SELECT rules_recheck_all();
