-- Webhook subscriptions and their delivery queue (SPEC §11). A delivery is queued in the
-- transaction of the change it announces, takes the change's feed position when the change
-- gets one, and is sent in position order per subscription, one at a time.

CREATE TABLE webhook_subscriptions (
	id          text PRIMARY KEY,
	-- who manages it: the agency code, or "district:<code>" for a district key
	owner       text NOT NULL,
	url         text NOT NULL,
	datasets    text[] NOT NULL,
	findings    boolean NOT NULL,
	description text,
	-- "whsec_" and base64 of 32 random bytes; the server signs with it, so it is kept
	secret      text NOT NULL,
	-- after a rotation the old secret also signs until previous_until
	previous_secret text,
	previous_until  timestamptz,
	status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	disabled_at timestamptz,
	disabled_reason text,
	created_at  timestamptz NOT NULL DEFAULT now(),
	secret_rotated_at timestamptz,
	-- The claim of the delivery in flight: a sender's token, the database session holding it
	-- (a claim whose session is gone is free: its server died or the database restarted),
	-- and a time after which it is free in any case.
	lease_token text,
	lease_pid   integer,
	lease_backend_start timestamptz,
	lease_until timestamptz
);
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner, id);

CREATE SEQUENCE webhook_delivery_seq;

CREATE TABLE webhook_deliveries (
	seq         bigint PRIMARY KEY DEFAULT nextval('webhook_delivery_seq'),
	-- the webhook-id header: the same on every attempt
	id          text NOT NULL UNIQUE,
	subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
	change_seq  bigint NOT NULL,
	-- the change's feed position; NULL until feed_sequence() gives it one
	pos         bigint,
	dataset     text NOT NULL,
	record_id   text NOT NULL,
	op          text NOT NULL,
	version     integer NOT NULL,
	changed_at  timestamptz NOT NULL,
	status      text NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts    integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	last_attempt_at timestamptz,
	claimed_at  timestamptz, -- when a sender last took it
	last_status integer,
	last_error  text,
	created_at  timestamptz NOT NULL DEFAULT now(),
	delivered_at timestamptz,
	failed_at   timestamptz
);
ALTER SEQUENCE webhook_delivery_seq OWNED BY webhook_deliveries.seq;
-- The queue: a subscription's next delivery is its pending one of the lowest position.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (subscription_id, pos)
	WHERE status = 'pending';
CREATE INDEX webhook_deliveries_unpositioned ON webhook_deliveries (change_seq)
	WHERE pos IS NULL;
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_done ON webhook_deliveries (delivered_at)
	WHERE status = 'delivered';

-- One delivery per active subscription that wants the change, in the change's transaction:
-- nothing is announced that did not commit, and nothing committed goes unannounced.
CREATE FUNCTION webhook_enqueue() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE status = 'active') THEN
		RETURN NULL;
	END IF;
	INSERT INTO webhook_deliveries (seq, id, subscription_id, change_seq, pos, dataset,
				record_id, op, version, changed_at)
	SELECT q.seq, 'msg_' || lpad(q.seq::text, 16, '0'), q.subscription_id, q.change_seq, q.pos,
	       q.dataset, q.record_id, q.op, q.version, q.changed_at
	  FROM (SELECT nextval('webhook_delivery_seq') AS seq, o.*
		  FROM (SELECT s.id AS subscription_id, n.seq AS change_seq, n.pos, n.dataset,
			       n.id AS record_id, n.op, n.version, n.changed_at
			  FROM new_changes n
			  JOIN webhook_subscriptions s ON s.status = 'active'
			   AND (n.dataset = ANY (s.datasets) OR (n.dataset = 'findings' AND s.findings))
			 ORDER BY n.seq, s.id) o) q;
	IF FOUND THEN
		PERFORM pg_notify('soilshare_webhooks', '');
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER changes_webhooks AFTER INSERT ON changes
	REFERENCING NEW TABLE AS new_changes
	FOR EACH STATEMENT EXECUTE FUNCTION webhook_enqueue();

-- A change's feed position reaches its deliveries in the same transaction (feed_sequence()).
CREATE FUNCTION webhook_positions() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM webhook_deliveries WHERE pos IS NULL) THEN
		UPDATE webhook_deliveries d SET pos = n.pos
		  FROM new_changes n
		 WHERE d.pos IS NULL AND d.change_seq = n.seq AND n.pos IS NOT NULL;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER changes_webhook_positions AFTER UPDATE ON changes
	REFERENCING NEW TABLE AS new_changes
	FOR EACH STATEMENT EXECUTE FUNCTION webhook_positions();

-- A subscription as the API shows it (never its secrets).
CREATE FUNCTION webhook_subscription_doc(s webhook_subscriptions) RETURNS json
LANGUAGE sql STABLE
AS $$
	SELECT json_build_object('id', s.id, 'url', s.url, 'datasets', to_json(s.datasets),
		'findings', s.findings, 'description', s.description, 'status', s.status,
		'disabled_at', rfc3339(s.disabled_at), 'disabled_reason', s.disabled_reason,
		'created_at', rfc3339(s.created_at),
		'secret_rotated_at', rfc3339(s.secret_rotated_at),
		'previous_secret_expires_at',
		CASE WHEN s.previous_until > now() THEN rfc3339(s.previous_until) END,
		'backlog', (SELECT count(*) FROM webhook_deliveries d
			     WHERE d.subscription_id = s.id AND d.status = 'pending'))
$$;

-- A delivery as the API shows it.
CREATE FUNCTION webhook_delivery_doc(d webhook_deliveries) RETURNS json
LANGUAGE sql STABLE
AS $$
	SELECT json_build_object('id', d.id, 'subscription_id', d.subscription_id,
		'type', CASE WHEN d.dataset = 'findings' THEN 'finding' ELSE 'change' END,
		'dataset', d.dataset, 'record_id', d.record_id, 'op', d.op, 'version', d.version,
		'changed_at', rfc3339(d.changed_at), 'status', d.status, 'attempts', d.attempts,
		'next_attempt_at', CASE WHEN d.status = 'pending' THEN rfc3339(d.next_attempt_at) END,
		'last_attempt_at', rfc3339(d.last_attempt_at), 'last_status', d.last_status,
		'last_error', d.last_error, 'created_at', rfc3339(d.created_at),
		'delivered_at', rfc3339(d.delivered_at), 'failed_at', rfc3339(d.failed_at))
$$;
