// Management API: the Account Center settings (my-account-api.md M11–M12).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccountCenterControl,
  AccountCenterPatch,
  ACCOUNT_CENTER_FIELDS,
  getAccountCenter,
  updateAccountCenter,
} from '../../domain/account/account-center.ts';
import type { Queryable } from '../../storage/db.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const tags = ['account center'];

const AccountCenter = z
  .object({
    tenantId: z.string(),
    id: z.string(),
    enabled: z.boolean(),
    fields: z.object(Object.fromEntries(ACCOUNT_CENTER_FIELDS.map((k) => [k, AccountCenterControl.optional()]))),
  })
  .describe('AccountCenter');

export function accountCenterRoutes(deps: { db: Queryable }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/account-center',
      {
        schema: {
          tags,
          summary: 'M11: the Account Center settings',
          security: managementSecurity,
          response: { 200: AccountCenter, ...managementErrors, 404: LogtoErrorBody },
        },
      },
      async () => getAccountCenter(deps),
    );
    r.patch(
      '/api/account-center',
      {
        schema: {
          tags,
          summary: 'M12: turn the Account Center on or off and set each field (fields given replace the stored ones whole)',
          security: managementSecurity,
          body: AccountCenterPatch,
          response: { 200: AccountCenter, ...managementErrors, 404: LogtoErrorBody },
        },
      },
      async (request) => updateAccountCenter(deps, request.body),
    );
  };
}
