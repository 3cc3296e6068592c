-- Change notification for the in-process caches (storage/change-feed.ts): every statement that
-- writes one of the cached tables, whoever runs it (any server process, the CLI, manual SQL),
-- notifies channel verity_changes with '<schema>:<table>'. Notifications are sent at commit and
-- collapse within one transaction, so a statement-level trigger costs one pg_notify per statement.
CREATE FUNCTION verity_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('verity_changes', TG_TABLE_SCHEMA || ':' || TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

-- One trigger per cached table (the list in change-feed.ts, NOTIFYING_TABLES), named <table>_changed.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sign_in_experiences', 'applications', 'application_roles', 'roles', 'connectors', 'oidc_keys', 'api_keys']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change()',
                   t || '_changed', t);
  END LOOP;
END;
$$;
