-- farmland-class-mismatch as 0014 left it, with `s.data ? 'farmland_unit_id'` beside the unit's
-- id in both lookups of its samples, so that they use the partial index on farmland_unit_id
-- (records_farmland_link, whose predicate that is) and not the whole table: planned for a
-- farmland unit at 1,000,000 soil samples, each lookup was a sequential scan of the records
-- (bench/growth). The condition follows from the other (->> is NULL without the key): which
-- units the rule finds does not change.
UPDATE rules SET check_sql = $q$
 SELECT u.id AS trigger_id, u.district, NULL::text AS plot_id, NULL::text AS link,
	jsonb_build_array(jsonb_build_object('dataset', $1, 'id', u.id)) ||
	(SELECT jsonb_agg(jsonb_build_object('dataset', 'soil-samples', 'id', s.id) ORDER BY s.id)
	   FROM records s WHERE s.dataset = 'soil-samples' AND s.deleted_at IS NULL
	    AND s.data ? 'farmland_unit_id' AND s.data ->> 'farmland_unit_id' = u.id
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
		AND s.data ? 'farmland_unit_id' AND s.data ->> 'farmland_unit_id' = u.id
		AND CASE u.data ->> 'class'
		    WHEN 'priority_protection' THEN jsonb_array_length(s.data -> 'exceedances') > 0
		    WHEN 'strict_control' THEN false
		    ELSE s.data -> 'exceedances' @> '[{"level": "intervention"}]' END)
 $q$ WHERE rule = 'farmland-class-mismatch';
