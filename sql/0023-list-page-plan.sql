-- The first page of a dataset's list, and every next one, without filters: the query of
-- rec_list (server/api/lists.c) on a plan made once per connection. As a prepared statement
-- with parameters PostgreSQL planned it again at every call (its plan for any dataset looks
-- dearer than the one for the dataset at hand), inlining record_json() and rfc3339() each
-- time: a quarter of the query's cost, and of PostgreSQL's CPU under a load of list pages
-- (bench/run). The plan is an index scan of records_pkey for any dataset and cursor.
CREATE FUNCTION records_page(ds text, after text, lim integer) RETURNS TABLE (doc text, id text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
	RETURN QUERY
	SELECT record_json(r.data, r.publisher, r.version, r.created_at, r.updated_at), r.id
	  FROM records r
	 WHERE r.dataset = ds AND r.deleted_at IS NULL AND r.id > after
	 ORDER BY r.id
	 LIMIT lim;
END
$$;
