// Owns how database failures look to the OIDC provider, which catches errors inside its own routes
// and renders them itself (anything it does not know becomes 500 server_error). The provider's
// database handle translates them into provider errors it renders as they should be:
//   - DatabaseUnavailableError → 503 temporarily_unavailable (http/oidc.ts adds Retry-After; the
//     authorization endpoint redirects it to the client, as RFC 6749 §4.1.2.1 names it);
//   - a value the database refuses (storage/db.ts refusedInput) → 400 invalid_request.
// The translated error keeps the original as its `cause`, so isDatabaseUnavailable still sees it
// when the provider is called from a Fastify route (the Experience API's interaction lookup).
import { errors } from 'oidc-provider';
import { isDatabaseUnavailable, refusedInput, type Db, type Queryable } from '../storage/db.ts';

export const UNAVAILABLE_DESCRIPTION = 'The database is unavailable; try again shortly.';

export class TemporarilyUnavailable extends errors.OIDCProviderError {
  constructor(cause: unknown) {
    super(503, 'temporarily_unavailable', { cause });
    // Exposed, so the provider answers its name and description rather than server_error.
    this.expose = true;
    this.error_description = UNAVAILABLE_DESCRIPTION;
  }
}

function translated(error: unknown): unknown {
  if (isDatabaseUnavailable(error)) return error instanceof TemporarilyUnavailable ? error : new TemporarilyUnavailable(error);
  if (refusedInput(error)) return new errors.InvalidRequest('a parameter holds a value the database cannot store', undefined, { cause: error });
  return error;
}

function translating(q: Queryable): Queryable {
  return {
    query: <T>(sql: string, params?: readonly unknown[]) =>
      q.query<T>(sql, params).catch((error: unknown) => {
        throw translated(error);
      }),
    exec: (sql: string) =>
      q.exec(sql).catch((error: unknown) => {
        throw translated(error);
      }),
  };
}

/** `db` as the provider's configuration uses it: the same statements, failures translated. */
export function providerDb(db: Db): Db {
  return {
    ...translating(db),
    driver: db.driver,
    changes: db.changes,
    tx: <T>(fn: (q: Queryable) => Promise<T>) =>
      db.tx((q) => fn(translating(q))).catch((error: unknown) => {
        throw translated(error);
      }),
    close: () => db.close(),
  };
}
