-- A revoked, changed or deleted API key is announced on channel soilshare_keys, so that
-- every server drops it from its verified-key cache at once instead of at the end of the
-- cache's lifetime. The announcement goes out when the transaction commits.
CREATE FUNCTION api_keys_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('soilshare_keys', OLD.key_id);
	RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_announce AFTER UPDATE OR DELETE ON api_keys
	FOR EACH ROW EXECUTE FUNCTION api_keys_announce();
