// Owns what run.ts needs from a server under test (the baseline or a Verity app): its address, its
// statement counter, and how to take it down again.

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
  apiKeys?: string[];
  statements: StatementCounter;
  close(): Promise<void>;
}
