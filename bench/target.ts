// Owns what run.ts needs from a server under test (a baseline or a Verity app): its address, its
// statement counter, what its flows send, and how to take it down again.
import type { CallSpec } from './flows.ts';

export interface StatementCounter {
  /** Starts a fresh count (and turns counting on). */
  reset(): void;
  count(): number;
  /** One line per distinct statement: times per flow and mean round-trip ms. */
  breakdown(flows: number): string[];
}

export interface Target {
  name: string;
  url: string;
  /** OTP suite: the API keys flows use. */
  apiKeys?: string[];
  /** OIDC suite: the request each scenario sends (see m2m.ts). */
  calls?: Record<'grant' | 'read', CallSpec>;
  statements: StatementCounter;
  close(): Promise<void>;
}
