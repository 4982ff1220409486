-- The public 风险管控和修复名录 (SPEC §10): what it shows of a plot, and its changes between
-- two dates.

-- Whether a plot status puts it in the 名录: listed, under control or in effect evaluation.
CREATE FUNCTION plot_in_directory(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT status IN ('listed', 'under_control', 'effect_evaluation') $$;

-- The Beijing date a plot last entered `listed`, from its history, else its own listed_on
-- (a plot imported already listed).
CREATE FUNCTION plot_listed_on(plot_id text, own text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce((
		SELECT (c.changed_at AT TIME ZONE 'Asia/Shanghai')::date::text
		  FROM changes c JOIN changes prev ON prev.dataset = c.dataset AND prev.id = c.id
		   AND prev.version = c.version - 1 AND prev.op = 'upsert'
		 WHERE c.dataset = 'plots' AND c.id = plot_id AND c.record ->> 'status' = 'listed'
		   AND prev.record ->> 'status' <> 'listed'
		 ORDER BY c.version DESC LIMIT 1), own)
$$;

-- The Chinese names of a list of pollutant codes, in order.
CREATE FUNCTION pollutants_zh(codes jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce(jsonb_agg(pollutant_zh(p) ORDER BY o), '[]')
	  FROM jsonb_array_elements_text(coalesce(codes, '[]')) WITH ORDINALITY x (p, o)
$$;

-- A plot as the public 名录 shows it: nothing about who published it, its history or its
-- responsible party.
CREATE FUNCTION public_plot(id text, district text, data jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT jsonb_build_object('id', id, 'name', data ->> 'name', 'district', district,
		'district_zh', (SELECT name_zh FROM districts d WHERE d.code = district),
		'address', data ->> 'address', 'area_m2', data -> 'area_m2',
		'pollutants', coalesce(data -> 'pollutants', '[]'),
		'pollutants_zh', pollutants_zh(data -> 'pollutants'),
		'status', data ->> 'status', 'status_zh', plot_status_zh(data ->> 'status'),
		'listed_on', plot_listed_on(id, data ->> 'listed_on'), 'geometry', data -> 'geometry')
$$;

-- The plots as they stood just before `t` (deleted ones left out).
CREATE FUNCTION plots_as_of(t timestamptz) RETURNS TABLE (id text, district text, data jsonb)
LANGUAGE sql STABLE
AS $$
	SELECT s.id, s.record ->> 'district', s.record
	  FROM (SELECT DISTINCT ON (c.id) c.id, c.op, c.record FROM changes c
		 WHERE c.dataset = 'plots' AND c.changed_at < t
		 ORDER BY c.id, c.version DESC) s
	 WHERE s.op = 'upsert'
$$;

-- 新增, 保留 and 移出: the plots that entered the 名录, stayed in it and left it between the
-- start of Beijing day `d_from` and the end of Beijing day `d_to`.
CREATE FUNCTION public_directory_changes(d_from date, d_to date) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
	WITH b AS (SELECT d_from::timestamp AT TIME ZONE 'Asia/Shanghai' AS t0,
			  (d_to + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS t1),
	before AS (SELECT p.* FROM b, plots_as_of(b.t0) p
		    WHERE plot_in_directory(p.data ->> 'status')),
	now_all AS (SELECT p.* FROM b, plots_as_of(b.t1) p),
	after AS (SELECT * FROM now_all
		   WHERE plot_in_directory(data ->> 'status'))
	SELECT jsonb_build_object('from', d_from::text, 'to', d_to::text,
		'added', (SELECT coalesce(jsonb_agg(public_plot(a.id, a.district, a.data) - 'geometry'
					      ORDER BY a.id), '[]')
			    FROM after a WHERE a.id NOT IN (SELECT id FROM before)),
		'retained', (SELECT coalesce(jsonb_agg(public_plot(a.id, a.district, a.data)
						 - 'geometry' ORDER BY a.id), '[]')
			       FROM after a WHERE a.id IN (SELECT id FROM before)),
		'removed', (SELECT coalesce(jsonb_agg(CASE WHEN n.id IS NULL
				 THEN public_plot(x.id, x.district, x.data) - 'geometry'
					|| '{"status": null, "status_zh": "已删除"}'
				 ELSE public_plot(n.id, n.district, n.data) - 'geometry' END
				 ORDER BY x.id), '[]')
			      FROM before x LEFT JOIN now_all n ON n.id = x.id
			     WHERE x.id NOT IN (SELECT id FROM after)))
$$;
