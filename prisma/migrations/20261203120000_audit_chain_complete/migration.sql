-- The chain covers every record. Until now a record with a NULL sequence counted as "predates the
-- chain", which let a plain INSERT forge one. Records stored before the chain existed are chained
-- here, after the current head (so every existing link and any head hash kept elsewhere stay valid),
-- in creation order; then sequence, previous_hash and hash become NOT NULL.
--
-- The hash must be the one src/audit/audit-chain.ts computes: SHA-256 of the previous hash, a newline
-- and the record's canonical JSON (keys sorted, no whitespace, numbers written as JavaScript writes
-- them). The two functions below build that text in SQL and are dropped at the end;
-- tests/integration/db/audit-chain-migration.test.ts checks them against the TypeScript chain.

-- A double as JavaScript's Number#toString writes it: the fewest significant digits that read back as
-- the same double (the closest such when there are several), laid out as ECMAScript says (exponent
-- form below 1e-6 and from 1e21, "1e-7", "1.5e+21"). float8out's text reads back exactly but is not
-- always the shortest (1.2345e21 prints as 1.2344999999999999e+21), so roundings of it to 1, 2, …
-- significant digits are tried first, and the first that reads back as the same double is kept.
CREATE FUNCTION "audit_js_number"(x DOUBLE PRECISION) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT
SET extra_float_digits = 1 AS $$
DECLARE
    exact NUMERIC;
    magnitude INT;
    shortest NUMERIC;
    t TEXT;
    int_part TEXT;
    frac_part TEXT;
    digits TEXT;
    n INT; -- the value is 0.<digits> × 10^n, as in ECMAScript's Number::toString
    k INT;
    e INT;
BEGIN
    IF x = 0 THEN RETURN '0'; END IF; -- -0 too, as JSON.stringify writes it
    exact := abs(x)::text::numeric;
    magnitude := floor(log(exact))::int;
    FOR p IN 1..17 LOOP
        shortest := round(exact, p - 1 - magnitude);
        -- A rounding beyond the largest double (1.8e308 from 1.7976931348623157e308) cannot be cast.
        IF shortest <= 1.7976931348623157e308 THEN
            EXIT WHEN shortest::double precision = abs(x);
        END IF;
    END LOOP;
    -- numeric's text is always positional: "1234500000000000000000", "0.00000012345".
    t := shortest::text;
    int_part := split_part(t, '.', 1);
    frac_part := split_part(t, '.', 2);
    IF int_part = '0' THEN
        digits := ltrim(frac_part, '0');
        n := length(digits) - length(frac_part);
    ELSE
        digits := int_part || frac_part;
        n := length(int_part);
    END IF;
    digits := rtrim(digits, '0');
    k := length(digits);
    IF k <= n AND n <= 21 THEN
        t := digits || repeat('0', n - k);
    ELSIF 0 < n AND n <= 21 THEN
        t := left(digits, n) || '.' || substr(digits, n + 1);
    ELSIF -6 < n AND n <= 0 THEN
        t := '0.' || repeat('0', -n) || digits;
    ELSE
        e := n - 1;
        t := left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
             || 'e' || CASE WHEN e >= 0 THEN '+' ELSE '-' END || abs(e)::text;
    END IF;
    RETURN CASE WHEN x < 0 THEN '-' || t ELSE t END;
END;
$$;

-- canonicalJson of audit-chain.ts: object keys in code-unit order (the keys are ASCII, where "C"
-- collation is the same order), no whitespace, numbers by audit_js_number; jsonb already writes
-- strings, booleans and null as JSON.stringify does.
CREATE FUNCTION "audit_canonical_json"(j JSONB) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    RETURN CASE jsonb_typeof(j)
        WHEN 'object' THEN '{' || coalesce((
            SELECT string_agg(to_json(key)::text || ':' || "audit_canonical_json"(value), ',' ORDER BY key COLLATE "C")
              FROM jsonb_each(j)), '') || '}'
        WHEN 'array' THEN '[' || coalesce((
            SELECT string_agg("audit_canonical_json"(value), ',' ORDER BY ordinality)
              FROM jsonb_array_elements(j) WITH ORDINALITY), '') || ']'
        WHEN 'number' THEN "audit_js_number"((j #>> '{}')::double precision)
        ELSE j::text
    END;
END;
$$;

-- to_jsonb of a double writes it through float8out: the shortest exact digits, whatever the session had.
SET LOCAL extra_float_digits = 1;

-- The app's chain lock (CHAIN_LOCK in src/audit/audit-log.ts): an instance still running the old code
-- during a rolling deploy waits, instead of appending after a head this migration is moving.
SELECT pg_advisory_xact_lock(4851013696513919316);

-- Since the chain existed the app has stored no record outside it, so an unchained record newer than
-- the chain's first one was written past the app (a forgery, or an instance of the old code during a
-- deploy): chaining it would have every later checkpoint vouch for it. Refuse, naming them, unless an
-- administrator who has reviewed them says so for this session (crc.accept_unchained_records = on).
DO $$
DECLARE
    suspicious BIGINT;
    examples TEXT;
BEGIN
    SELECT count(*), string_agg(id::text, ', ' ORDER BY created_at) FILTER (WHERE rn <= 10) INTO suspicious, examples
      FROM (SELECT p.id, p.created_at, row_number() OVER (ORDER BY p.created_at) AS rn FROM "prediction" p
             WHERE p."sequence" IS NULL
               AND p."created_at" >= (SELECT min(c."created_at") FROM "prediction" c WHERE c."sequence" IS NOT NULL)) s;
    IF suspicious > 0 AND coalesce(current_setting('crc.accept_unchained_records', true), '') <> 'on' THEN
        RAISE EXCEPTION '% audit records without a place in the chain were stored after the chain began (%): the app never stores such a record', suspicious, examples
            USING HINT = 'Review them (a forgery, or an old app instance during a deploy). To chain them anyway, migrate with the setting crc.accept_unchained_records=on, e.g. DATABASE_URL=''postgresql://…?options=-c%20crc.accept_unchained_records%3Don'' npm run db:migrate';
    END IF;
END;
$$;

ALTER TABLE "prediction" DISABLE TRIGGER "prediction_append_only";

DO $$
DECLARE
    r RECORD;
    seq BIGINT;
    previous TEXT;
    link TEXT;
BEGIN
    SELECT p."sequence", p."hash" INTO seq, previous FROM "prediction" p
     WHERE p."sequence" IS NOT NULL ORDER BY p."sequence" DESC LIMIT 1;
    IF seq IS NULL THEN
        seq := 0;
        previous := repeat('0', 64);
    END IF;
    FOR r IN SELECT * FROM "prediction" WHERE "sequence" IS NULL ORDER BY "created_at", "id" LOOP
        seq := seq + 1;
        -- The fields of audit-chain.ts content(), named as in the API.
        link := encode(sha256(convert_to(previous || E'\n' || "audit_canonical_json"(jsonb_build_object(
            'id', r."id"::text,
            'sequence', seq,
            'createdAt', to_char(r."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'modelId', r."model_id",
            'modelVersion', r."model_version",
            'onnxSha256', r."onnx_sha256",
            'inputs', r."inputs",
            'vector', r."vector",
            'probability', r."probability",
            'positive', r."positive",
            'riskBand', r."risk_band"::text,
            'baseValue', r."base_value",
            'contributions', r."contributions",
            'patientRef', r."patient_ref",
            'requestId', r."request_id",
            'latencyMs', r."latency_ms",
            'requester', r."requester"
        )), 'UTF8')), 'hex');
        UPDATE "prediction" SET "sequence" = seq, "previous_hash" = previous, "hash" = link WHERE "id" = r."id";
        previous := link;
    END LOOP;
END;
$$;

ALTER TABLE "prediction" ENABLE TRIGGER "prediction_append_only";

-- AlterTable
ALTER TABLE "prediction" ALTER COLUMN "sequence" SET NOT NULL,
ALTER COLUMN "previous_hash" SET NOT NULL,
ALTER COLUMN "hash" SET NOT NULL;

DROP FUNCTION "audit_canonical_json"(JSONB);
DROP FUNCTION "audit_js_number"(DOUBLE PRECISION);
