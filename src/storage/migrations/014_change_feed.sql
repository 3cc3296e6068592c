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

CREATE TRIGGER sign_in_experiences_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sign_in_experiences
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
CREATE TRIGGER applications_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
CREATE TRIGGER application_roles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_roles
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
CREATE TRIGGER roles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
CREATE TRIGGER connectors_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON connectors
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
CREATE TRIGGER oidc_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON oidc_keys
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION verity_notify_change();
