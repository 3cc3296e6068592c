-- Indexes that keep GET /api/users search (domain/search.ts, storage/search-sql.ts) independent of
-- the number of users: a pg_trgm GIN index per searchable column serves `like` mode both ways
-- (LIKE and ILIKE, any `%` placement, patterns with at least one trigram, i.e. three characters
-- in a row), `posix` mode (~, ~*) and case-sensitive `exact` (=). Case-insensitive `exact` uses the
-- btree indexes of migration 003 where they exist (lower(primary_email); id, which is always
-- lowercase) and these trigram indexes otherwise (search-sql.ts adds an equivalent ILIKE).
--
-- pg_trgm is a trusted extension (PostgreSQL >= 13): the database owner may create it. It lives in
-- one schema per database, so it goes into `public` whatever search_path this migration runs under
-- (tests run each file in a schema of their own and drop it afterwards; the extension must not go
-- with it), and the operator class is named through the schema the extension actually lives in
-- (an existing installation elsewhere is used as it is). Two databases' migrators never race here,
-- but two migrators of different schemas of one database could both try to create it: the loser's
-- unique_violation / duplicate_object means it exists, which is all this needs.
DO $$
DECLARE
  ext_schema text;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
  EXCEPTION WHEN unique_violation OR duplicate_object THEN
    NULL;
  END;
  SELECT n.nspname INTO STRICT ext_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX users_id_trgm ON users USING gin (id %I.gin_trgm_ops)', ext_schema);
  EXECUTE format('CREATE INDEX users_username_trgm ON users USING gin (username %I.gin_trgm_ops)', ext_schema);
  EXECUTE format('CREATE INDEX users_primary_email_trgm ON users USING gin (primary_email %I.gin_trgm_ops)', ext_schema);
  EXECUTE format('CREATE INDEX users_primary_phone_trgm ON users USING gin (primary_phone %I.gin_trgm_ops)', ext_schema);
  EXECUTE format('CREATE INDEX users_name_trgm ON users USING gin (name %I.gin_trgm_ops)', ext_schema);
END
$$;
