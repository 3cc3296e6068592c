// Shared wire schemas of the Management API: the Logto error body and the auth errors every route has.
import { z } from 'zod';

export const LogtoErrorBody = z
  .object({ code: z.string(), message: z.string(), data: z.unknown().optional(), details: z.string().optional() })
  .describe('LogtoError');

export const managementErrors = { 400: LogtoErrorBody, 401: LogtoErrorBody, 403: LogtoErrorBody };
export const managementSecurity: Record<string, string[]>[] = [{ ManagementApi: ['all'] }];
