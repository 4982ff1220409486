-- Which database session holds an unfinished Idempotency-Key claim. When that session is
-- gone (its server was killed, or lost the database mid-request), nothing will finish the
-- claim, and a retry takes it over at once instead of after the two-minute lease.
ALTER TABLE idempotency_keys ADD COLUMN claim_pid integer, ADD COLUMN claim_started timestamptz;

-- Whether the session that made a claim still exists. A session whose start this user may
-- not see (another database user's) counts as alive.
CREATE FUNCTION idempotency_claimant_alive(pid integer, started timestamptz) RETURNS boolean
LANGUAGE sql STABLE
AS $$
	SELECT pid IS NOT NULL AND EXISTS (SELECT 1 FROM pg_stat_get_activity(pid) a
		WHERE a.backend_start IS NULL OR a.backend_start = started)
$$;
