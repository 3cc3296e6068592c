// Owns the rules a new or changed user identifier must meet when an operator sets it (Logto's: the
// Management API and the operator CLI apply the same ones).
import { z } from 'zod';

export const usernameRule = z.string().max(128).regex(/^[A-Z_a-z]\w*$/);
export const emailRule = z.string().max(128).regex(/^\S+@\S+\.\S+$/);
export const phoneRule = z.string().max(128).regex(/^\d+$/);
