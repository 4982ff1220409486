-- The change feed's commit-order positions, and remembered idempotent responses.

-- A change gets its feed position (pos) only once its transaction has finished and every
-- earlier version of the same record has one: positions then follow commit order per
-- record, and a reader that has passed position p can never see a new change below p.
ALTER TABLE changes ADD COLUMN pos bigint;
CREATE UNIQUE INDEX changes_pos ON changes (pos) WHERE pos IS NOT NULL;
CREATE INDEX changes_unsequenced ON changes (seq) WHERE pos IS NULL;
-- For the check that no earlier version of the same record is still waiting.
CREATE INDEX changes_unsequenced_record ON changes (dataset, id, version) WHERE pos IS NULL;

CREATE TABLE feed_state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	last_pos  bigint NOT NULL
);
INSERT INTO feed_state (last_pos) VALUES (0);

-- Assigns positions to the changes that are ready; returns how many. One caller at a time:
-- a caller waits for a run in progress, so that when it returns, every change committed
-- before the call (and below the horizon) has its position. Callers are the servers' feed
-- threads and feed readers at the head of the feed.
CREATE FUNCTION feed_sequence() RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	horizon xid8;
	base bigint;
	n bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7438202);
	horizon := pg_snapshot_xmin(pg_current_snapshot());
	SELECT last_pos INTO base FROM feed_state FOR UPDATE;
	-- EXECUTE plans this for the rows at hand each time: a plan cached from many runs
	-- over a handful of rows took seconds when a transaction of 10,000 arrived.
	EXECUTE $q$
	WITH ready AS (
		SELECT c.seq FROM changes c
		 WHERE c.pos IS NULL AND c.txid < $1
		   -- an earlier version of the record whose transaction is not yet below the
		   -- horizon holds this one back
		   AND NOT EXISTS (SELECT 1 FROM changes e
				    WHERE e.pos IS NULL AND e.dataset = c.dataset AND e.id = c.id
				      AND e.version < c.version AND e.txid >= $1)
	), numbered AS (
		SELECT seq, $2 + row_number() OVER (ORDER BY seq) AS pos FROM ready
	)
	UPDATE changes c SET pos = numbered.pos FROM numbered WHERE c.seq = numbered.seq
	$q$ USING horizon, base;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		UPDATE feed_state SET last_pos = base + n;
		PERFORM pg_notify('soilshare_feed', (base + n)::text);
	END IF;
	RETURN n;
END
$$;

CREATE TABLE idempotency_keys (
	agency        text NOT NULL,
	key           text NOT NULL,
	fingerprint   text NOT NULL, -- SHA-256 of method, path and body
	created_at    timestamptz NOT NULL DEFAULT now(),
	completed     boolean NOT NULL DEFAULT false,
	status        integer,
	content_type  text,
	headers       text,
	body          text,
	PRIMARY KEY (agency, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
