// What every Experience API route declares alike: its OpenAPI tag, its security (the interaction
// cookie), the {verificationId} answer of the verification routes, and Logto's error body per status.
import { z } from 'zod';
import { LogtoErrorBody } from '../management/schemas.ts';

export const tags = ['experience'];
export const security = [{ InteractionCookie: [] }];
export const Verification = z.object({ verificationId: z.string() }).describe('VerificationId');

/** The error responses of a route: Logto's body under each status it can answer. */
export const errorsOf = <S extends number>(...statuses: S[]) => Object.fromEntries(statuses.map((s) => [s, LogtoErrorBody])) as Record<S, typeof LogtoErrorBody>;
