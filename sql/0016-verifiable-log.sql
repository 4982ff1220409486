-- The verifiable change log (SPEC §12): every change-feed entry is a leaf of an append-only
-- Merkle tree (RFC 9162 §2.1) in feed order; the tree's nodes are stored so that a proof reads
-- O(log n) of them, and a signed checkpoint follows each batch of appended entries. The
-- servers append (server/tlog/store.c): leaf hashes are SHA-256(0x00 ‖ the RFC 8785
-- canonical JSON of change_entry(c)), computed in C.

-- A change as the feed serves it and the log hashes it, in one definition for both: `seq` is
-- its leaf index, the feed position less one (positions start at 1); `record` is the record
-- as served at that version (change_record), null for a deletion.
CREATE FUNCTION change_entry(c changes) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT json_build_object('seq', c.pos - 1, 'dataset', c.dataset, 'id', c.id, 'op', c.op,
		'version', c.version, 'publisher', c.publisher, 'changed_at', rfc3339(c.changed_at),
		'record', change_record(c))
$$;

-- The tree's complete subtrees: node (level, idx) covers the leaves
-- [idx * 2^level, (idx + 1) * 2^level); level 0 holds the leaf hashes. A node is written
-- once, in the transaction that appends its last leaf, and never changes.
CREATE TABLE log_nodes (
	level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
	idx   bigint NOT NULL CHECK (idx >= 0),
	hash  bytea NOT NULL CHECK (length(hash) = 32),
	PRIMARY KEY (level, idx)
);

-- How many entries the tree holds (leaves 0 .. size - 1), and the verifier key of the log's
-- checkpoints: set by the first one; a server with another key appends but does not sign.
CREATE TABLE log_state (
	singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	size         bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
	verifier_key text
);
INSERT INTO log_state DEFAULT VALUES;

-- The signed checkpoints (C2SP signed notes), one per batch of appended entries; the newest
-- is served at GET /v1/log/checkpoint. Older ones stay, for `soilshare log verify`.
CREATE TABLE log_checkpoints (
	size       bigint PRIMARY KEY,
	root       bytea NOT NULL CHECK (length(root) = 32),
	note       text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
