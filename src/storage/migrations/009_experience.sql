-- Experience API state, one row per OIDC interaction (the provider's `_interaction` cookie names
-- it). The state is JSON (domain/experience/state.ts): the interaction event, the identified user,
-- the staged profile and the verification records. It expires with its OIDC interaction;
-- housekeeping deletes expired rows. Writers lock the row (SELECT … FOR UPDATE), so concurrent
-- requests of one interaction apply one after another.
CREATE TABLE experience_interactions (
  uid text PRIMARY KEY,
  application_id text,
  state jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX experience_interactions_expires ON experience_interactions (expires_at);
