-- The changes waiting for a feed position, in a table of their own. feed_sequence() found them
-- through partial indexes of `changes` (pos IS NULL), whose entries for changes already given a
-- position stay until a vacuum of the whole change log, which autovacuum lets grow to a fifth of
-- it; and how many waited, it guessed from statistics that ANALYZE takes while changes wait. At
-- 200,000 changes it estimated 9,394 waiting, joined them to the log by reading all of it, and
-- took 200 ms for one change, every time a write came. The list of waiting changes stays as
-- short as the writes of the last moments, whatever the size of the log, and the positions go
-- to the log by its primary key, for exactly the changes at hand.
CREATE TABLE feed_pending (
	seq     bigint PRIMARY KEY,
	txid    xid8 NOT NULL,
	dataset text NOT NULL,
	id      text COLLATE "C" NOT NULL,
	version integer NOT NULL
);

-- Every change inserted without a position waits in feed_pending, in the same transaction.
CREATE FUNCTION feed_pending_add() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO feed_pending (seq, txid, dataset, id, version)
	SELECT seq, txid, dataset, id, version FROM new_changes WHERE pos IS NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER changes_pending AFTER INSERT ON changes
	REFERENCING NEW TABLE AS new_changes
	FOR EACH STATEMENT EXECUTE FUNCTION feed_pending_add();

INSERT INTO feed_pending (seq, txid, dataset, id, version)
SELECT seq, txid, dataset, id, version FROM changes WHERE pos IS NULL;

DROP INDEX changes_unsequenced;
DROP INDEX changes_unsequenced_record;

-- As before (0005): assigns positions to the changes that are ready, one caller at a time;
-- returns how many.
CREATE OR REPLACE FUNCTION feed_sequence() RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	horizon xid8;
	base bigint;
	ready bigint[];
	n bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7438202);
	horizon := pg_snapshot_xmin(pg_current_snapshot());
	SELECT last_pos INTO base FROM feed_state FOR UPDATE;
	-- The ready ones: below the horizon, and no earlier version of the record waits above
	-- it. One pass over the short list in record order, whatever the planner guesses of its
	-- size: a join of the list with itself, planned for a few rows, took minutes over the
	-- 86,000 that waited after a load.
	EXECUTE $q$
	SELECT coalesce(array_agg(seq ORDER BY seq), '{}') FROM (
		SELECT seq, txid, bool_or(txid >= $1) OVER (PARTITION BY dataset, id ORDER BY version
			RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS held_back
		  FROM feed_pending) p
	 WHERE txid < $1 AND NOT coalesce(held_back, false)
	$q$ INTO ready USING horizon;
	n := cardinality(ready);
	IF n = 0 THEN
		RETURN 0;
	END IF;
	-- EXECUTE plans these for the rows at hand each time (see 0005).
	EXECUTE 'DELETE FROM feed_pending WHERE seq = ANY ($1)' USING ready;
	EXECUTE $q$
	UPDATE changes c SET pos = $2 + r.n
	  FROM unnest($1::bigint[]) WITH ORDINALITY AS r (seq, n)
	 WHERE c.seq = r.seq
	$q$ USING ready, base;
	UPDATE feed_state SET last_pos = base + n;
	PERFORM pg_notify('soilshare_feed', (base + n)::text);
	RETURN n;
END
$$;
