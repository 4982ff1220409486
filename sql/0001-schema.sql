-- Core schema: reference tables, the generic record store, the change log and API keys.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE districts (
	code     text PRIMARY KEY,
	name_zh  text NOT NULL,
	name_en  text NOT NULL,
	gb2260   boolean NOT NULL
);

-- Codes that GB/T 2260 no longer has; writes naming them are told what replaced them.
CREATE TABLE retired_districts (
	code        text PRIMARY KEY,
	name_zh     text NOT NULL,
	retired_in  integer NOT NULL,
	replaced_by text NOT NULL REFERENCES districts (code)
);

CREATE TABLE agencies (
	code     text PRIMARY KEY,
	name_zh  text NOT NULL,
	name_en  text NOT NULL,
	role     text NOT NULL CHECK (role IN ('publisher', 'district-publisher', 'reader'))
);

-- GB 50137 land-use code prefixes and their GB 36600 land class; longest prefix wins.
CREATE TABLE land_use_classes (
	code_prefix    text PRIMARY KEY,
	name_zh        text NOT NULL,
	name_en        text NOT NULL,
	gb36600_class  text NOT NULL CHECK (gb36600_class IN ('I', 'II')),
	note           text
);

CREATE TABLE gb36600_values (
	pollutant             text PRIMARY KEY,
	name_zh               text NOT NULL,
	cas                   text,
	screening_class_i     numeric NOT NULL,
	screening_class_ii    numeric NOT NULL,
	intervention_class_i  numeric NOT NULL,
	intervention_class_ii numeric NOT NULL,
	unit                  text NOT NULL,
	note                  text
);

CREATE TABLE gb15618_values (
	pollutant             text NOT NULL,
	name_zh               text NOT NULL,
	land_type             text NOT NULL,
	ph_max_5_5_screening  numeric NOT NULL,
	ph_5_5_6_5_screening  numeric NOT NULL,
	ph_6_5_7_5_screening  numeric NOT NULL,
	ph_over_7_5_screening numeric NOT NULL,
	ph_max_5_5_control    numeric NOT NULL,
	ph_5_5_6_5_control    numeric NOT NULL,
	ph_6_5_7_5_control    numeric NOT NULL,
	ph_over_7_5_control   numeric NOT NULL,
	unit                  text NOT NULL,
	PRIMARY KEY (pollutant, land_type)
);

-- Every dataset's records, one row per (dataset, id). A deleted record keeps its
-- row (deleted_at set) so that creating it again continues its version.
CREATE TABLE records (
	dataset     text NOT NULL,
	id          text COLLATE "C" NOT NULL,
	data        jsonb NOT NULL,
	district    text NOT NULL,
	publisher   text NOT NULL,
	version     integer NOT NULL,
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL,
	deleted_at  timestamptz,
	geom        geometry(Geometry, 4326),
	PRIMARY KEY (dataset, id)
);
CREATE INDEX records_updated ON records (dataset, updated_at);
CREATE INDEX records_district ON records (dataset, district, id);
CREATE INDEX records_plot_link ON records ((data ->> 'plot_id')) WHERE data ? 'plot_id';
CREATE INDEX records_geom ON records USING gist (geom);

-- The change log: one row per committed change, in the order of transactions.
CREATE TABLE changes (
	seq         bigserial PRIMARY KEY,
	txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
	dataset     text NOT NULL,
	id          text COLLATE "C" NOT NULL,
	op          text NOT NULL CHECK (op IN ('upsert', 'delete')),
	version     integer NOT NULL,
	publisher   text NOT NULL,
	key_id      text,
	request_id  text,
	changed_at  timestamptz NOT NULL DEFAULT now(),
	-- the record's data as stored (server-owned fields are added on reading, see
	-- change_record), or NULL for a deletion
	record      jsonb,
	record_created_at timestamptz
);
CREATE INDEX changes_record ON changes (dataset, id, version);

CREATE TABLE api_keys (
	key_id      text PRIMARY KEY,
	agency      text NOT NULL REFERENCES agencies (code),
	district    text REFERENCES districts (code),
	secret_hash text NOT NULL,
	label       text,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz,
	revoked_at  timestamptz,
	CHECK ((agency = 'district') = (district IS NOT NULL))
);

-- RFC 3339 UTC text of a timestamp, microsecond precision. These small SQL functions are
-- STABLE like to_char inside them, so that PostgreSQL inlines them into each query.
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- GB 36600 land class of a GB 50137 code: the class of its longest listed prefix.
CREATE FUNCTION land_class_of(code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT gb36600_class FROM land_use_classes
	 WHERE code IS NOT NULL AND starts_with(code, code_prefix)
	 ORDER BY length(code_prefix) DESC LIMIT 1
$$;

-- The record as served: the publisher's fields, derived fields and server-owned fields.
CREATE FUNCTION record_doc(data jsonb, publisher text, version integer, created_at timestamptz,
			   updated_at timestamptz) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT data || jsonb_build_object('publisher', publisher, 'version', version,
		'created_at', rfc3339(created_at), 'updated_at', rfc3339(updated_at))
$$;

-- A change's record as served: the data with its server-owned fields at that version.
-- Findings are logged whole.
CREATE FUNCTION change_record(c changes) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN c.record IS NULL OR c.dataset = 'findings' THEN c.record
		ELSE record_doc(c.record, c.publisher, c.version, c.record_created_at, c.changed_at) END
$$;

-- The geometry of a record's GeoJSON field, checked: raises SQLSTATE SSG01 with the
-- reason when PostGIS finds it invalid (the C validator has already checked its shape).
CREATE FUNCTION checked_geometry(g jsonb) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
	geo geometry;
BEGIN
	IF g IS NULL OR jsonb_typeof(g) = 'null' THEN
		RETURN NULL;
	END IF;
	geo := ST_SetSRID(ST_GeomFromGeoJSON(g::text), 4326);
	IF NOT ST_IsValid(geo) THEN
		RAISE EXCEPTION USING ERRCODE = 'SSG01', MESSAGE = ST_IsValidReason(geo);
	END IF;
	RETURN geo;
END
$$;

-- Fields derived from a record's data, per dataset. Each dataset migration that
-- derives something replaces this function.
CREATE FUNCTION derived_fields(dataset text, data jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT '{}'::jsonb $$;
