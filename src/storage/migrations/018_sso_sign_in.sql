-- Enterprise SSO sign-in (experience-api.md E3, E5, E24): the connectors of an email domain are found
-- by `domains ? <domain>` (sso_connectors.domains is a jsonb array of lower-case domains), served by
-- this GIN index.
CREATE INDEX sso_connectors_domains ON sso_connectors USING gin (domains);
