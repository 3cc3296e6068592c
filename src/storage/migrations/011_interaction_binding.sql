-- The browser binding of an Experience API interaction (oidc/browser-binding.ts): the keyed digest
-- of the token in the browser's cookie, made anew by PUT /api/experience and rotated when the
-- interaction becomes identified; previous_binding is the one it was rotated from (it may only
-- repeat what is done, domain/experience/store.ts). Rows from before have no binding: no browser
-- holds one, so they answer as if they had no state until PUT /api/experience starts over.
ALTER TABLE experience_interactions ADD COLUMN binding text;
ALTER TABLE experience_interactions ADD COLUMN previous_binding text;
