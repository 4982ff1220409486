-- The 名录 as the law runs it (SPEC §3–§5): the task-5 "sensitive use" flag of the land-use
-- classes, Chinese labels for messages, and the rules that use them.

-- Task 5 (住宅用地、商业服务用地以及中小学、医疗卫生、社会福利设施等公共管理与公共服务用地):
-- R, B, all of A, and the class-I uses (sql/reference/land-use-classes.csv).
ALTER TABLE land_use_classes ADD COLUMN sensitive boolean NOT NULL DEFAULT false;
UPDATE land_use_classes SET sensitive = true
 WHERE code_prefix IN ('R', 'A33', 'A5', 'A6', 'G1-C', 'A', 'B');

-- The entry of the longest listed prefix of a land-use code.
CREATE FUNCTION land_use_of(code text) RETURNS land_use_classes
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT * FROM land_use_classes
	 WHERE code IS NOT NULL AND starts_with(code, code_prefix)
	 ORDER BY length(code_prefix) DESC LIMIT 1
$$;

CREATE FUNCTION land_use_sensitive(code text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce((land_use_of(code)).sensitive, false) $$;

-- "居住用地（R2）": the Chinese name of a use with its code.
CREATE FUNCTION land_use_zh(code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce((land_use_of(code)).name_zh || '（' || code || '）', code) $$;

-- The Chinese label of a plot status (SPEC §4), as messages and the public 名录 show it.
CREATE FUNCTION plot_status_zh(status text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE status
		WHEN 'suspected' THEN '疑似污染地块'
		WHEN 'preliminary_survey' THEN '初步调查'
		WHEN 'cleared' THEN '调查评估完成（无需管控）'
		WHEN 'exceeds_screening' THEN '超过筛选值'
		WHEN 'detailed_survey' THEN '详细调查'
		WHEN 'risk_assessment' THEN '风险评估'
		WHEN 'listed' THEN '列入名录'
		WHEN 'under_control' THEN '风险管控或修复'
		WHEN 'effect_evaluation' THEN '效果评估'
		WHEN 'delisted' THEN '移出名录'
		WHEN 'post_management' THEN '后期管理'
		WHEN 'closed' THEN '销号'
		ELSE status END
$$;

-- The Chinese name of a pollutant code (GB 36600, else GB 15618), else the code.
CREATE FUNCTION pollutant_zh(code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce((SELECT name_zh FROM gb36600_values WHERE pollutant = code),
			(SELECT name_zh FROM gb15618_values WHERE pollutant = code LIMIT 1), code)
$$;

-- Whether a plot's status accounts for a sample taken on `sampled_on` (SPEC §5): a plot in
-- survey, assessment, the 名录 or remediation is being dealt with; a cleared one only for
-- samples taken before it was cleared.
CREATE FUNCTION plot_accounts_for(plot jsonb, sampled_on text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN plot IS NULL THEN false
		WHEN plot ->> 'status' IN ('suspected', 'preliminary_survey') THEN false
		WHEN plot ->> 'status' IN ('cleared', 'delisted', 'post_management', 'closed') THEN
			plot ->> 'cleared_on' IS NOT NULL AND sampled_on IS NOT NULL
			AND sampled_on < plot ->> 'cleared_on'
		ELSE true END
$$;

UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, p.id AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', p.id)) AS records,
	with_ecology(t.publisher) AS agencies,
	CASE WHEN cleared THEN
		format('%s %s 将地块 %s 规划为%s（第一类用地），但该地块是按第二类用地完成调查评估的（%s），'
		       '改为第一类用地前须重新开展土壤污染状况调查。', k.zh, t.id, p.id,
		       land_use_zh(u.code), plot_status_zh(p.data ->> 'status'))
	ELSE format('%s %s 将地块 %s 规划为%s，但该地块状态为“%s”，尚未完成土壤污染状况调查评估。',
		    k.zh, t.id, p.id, land_use_zh(u.code), plot_status_zh(p.data ->> 'status'))
	END AS message_zh,
	CASE WHEN cleared THEN
		format('%s %s gives plot %s a class I use (%s), but the plot was cleared for class '
		       'II use only: it must be surveyed again before the change.', $1, t.id, p.id,
		       u.code)
	ELSE format('%s %s gives plot %s a sensitive use (%s) while the plot is %s: survey and '
		    'assessment must clear it first.', $1, t.id, p.id, u.code, p.data ->> 'status')
	END AS message_en
   FROM records t
   CROSS JOIN LATERAL (SELECT CASE $1 WHEN 'land-use-changes' THEN t.data ->> 'to_use'
				 WHEN 'planning-permits' THEN t.data ->> 'land_use'
				 ELSE t.data ->> 'planned_use' END AS code) u
   CROSS JOIN LATERAL (SELECT CASE $1 WHEN 'land-use-changes' THEN '用途变更'
				 WHEN 'planning-permits' THEN '规划许可' ELSE '供地计划' END AS zh) k
   JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
   CROSS JOIN LATERAL (SELECT p.data ->> 'status' IN ('cleared', 'delisted', 'post_management',
						     'closed') AS done,
			      p.data ->> 'cleared_for' = 'II' AND land_class_of(u.code) = 'I'
				AS cleared_ii) c
   CROSS JOIN LATERAL (SELECT c.done AND c.cleared_ii AS cleared) w
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND ((land_use_sensitive(u.code) AND NOT c.done) OR w.cleared)
 $q$ WHERE rule = 'sensitive-use-before-clearance';

UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, p.id AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', p.id)) AS records,
	'["ecology", "housing"]'::jsonb AS agencies,
	format('施工许可 %s 所在地块 %s 状态为“%s”（在风险管控和修复名录内），且不是修复工程。',
	       t.id, p.id, plot_status_zh(p.data ->> 'status')) AS message_zh,
	format('Construction permit %s is on plot %s, which is %s (in the risk control and '
	       'remediation directory), and is not a remediation project.', t.id, p.id,
	       p.data ->> 'status') AS message_en
   FROM records t
   JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND p.data ->> 'status' IN ('listed', 'under_control', 'effect_evaluation')
    AND NOT coalesce((t.data ->> 'is_remediation_project')::boolean, false)
 $q$ WHERE rule = 'construction-on-listed-plot';

UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, p.id AS plot_id,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', t.id),
			  jsonb_build_object('dataset', 'plots', 'id', p.id)) AS records,
	'["ecology", "housing"]'::jsonb AS agencies,
	format('施工许可 %s 所在地块 %s 状态仍为“%s”，土壤污染状况调查评估尚未完成。', t.id, p.id,
	       plot_status_zh(p.data ->> 'status')) AS message_zh,
	format('Construction permit %s is on plot %s, which is still %s: its survey and '
	       'assessment are not complete.', t.id, p.id, p.data ->> 'status') AS message_en
   FROM records t
   JOIN records p ON p.dataset = 'plots' AND p.id = t.data ->> 'plot_id' AND p.deleted_at IS NULL
  WHERE t.dataset = $1 AND t.id = ANY ($2) AND t.deleted_at IS NULL
    AND p.data ->> 'status' IN ('suspected', 'preliminary_survey', 'exceeds_screening',
				'detailed_survey', 'risk_assessment')
 $q$ WHERE rule = 'construction-without-survey';

UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
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

-- The exceedances of a sample at one level ('screening': every one), as message text.
CREATE FUNCTION exceedances_zh(exceedances jsonb, level text, label text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT string_agg(format('%s %s%s（%s %s）', pollutant_zh(e ->> 'pollutant'), e ->> 'value',
				 e ->> 'unit', label, e ->> 'limit'), '，')
	  FROM jsonb_array_elements(exceedances) e
	 WHERE level = 'screening' OR e ->> 'level' = level
$$;

CREATE FUNCTION exceedances_en(exceedances jsonb, level text, label text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT string_agg(format('%s %s %s (%s %s)', e ->> 'pollutant', e ->> 'value', e ->> 'unit',
				 label, e ->> 'limit'), ', ')
	  FROM jsonb_array_elements(exceedances) e
	 WHERE level = 'screening' OR e ->> 'level' = level
$$;

UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
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

UPDATE rules SET check_sql = $q$
 SELECT t.id AS trigger_id, t.district, t.data ->> 'plot_id' AS plot_id,
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

-- Checks every rule over every live record that can trigger it: after a change of the
-- rules or of the reference data they read, in the same transaction.
CREATE FUNCTION rules_recheck_all() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r rules;
	td text;
BEGIN
	FOR r IN SELECT * FROM rules ORDER BY rule LOOP
		FOREACH td IN ARRAY r.trigger_datasets LOOP
			PERFORM rules_check(r, td,
				(SELECT array_agg(id) FROM records WHERE dataset = td AND deleted_at IS NULL),
				NULL, NULL);
		END LOOP;
	END LOOP;
END
$$;

SELECT rules_recheck_all();
