// The shape of one row of the signature table (signatures/index.ts puts the rows in order).
//
// A row's regex is tested against one clean line (or the line joined with `span` following lines) that is at most
// MAX_LINE characters long; every quantifier is bounded, so a row costs O(line). `pre` is a lower-case word the line
// must contain before the regex runs at all (a cheap filter).
//
// weight says how much a row decides the kind:
//   3 — the OS error itself (errno numbers, "connect: connection refused", libpq's "failed: …")
//   2 — a message that names the failure but not the errno ("Connection to node -1 could not be …")
//   1 — a wrapper or a pointer that mostly carries an endpoint ("Failed to connect to h:p")
//   0 — endpoint only, never the kind
// Rows that match one line are read heaviest first; between rows of equal weight the table order decides.
import type { ErrorKind, Runtime, Service } from '../../domain/types.js';
import type { Extract } from '../patterns.js';

export type { Extract } from '../patterns.js';

export interface Signature {
  id: string;
  runtime: Runtime | null;
  client: string | null;
  service?: Service;
  /** Kind when the extractor does not decide; null: this row carries an endpoint, not a verdict. */
  kind: ErrorKind | null;
  weight: number;
  pre: string | string[];
  re: RegExp;
  /** Join this many following lines before matching (libpq splits one message over three lines). */
  span?: number;
  /** Return null to reject the match (e.g. ENOENT that is not about a socket). */
  extract?: (m: RegExpExecArray, line: string) => Extract | null;
}
