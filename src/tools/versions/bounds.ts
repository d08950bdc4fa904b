// The bounds of the cases `pol diff`, `pol verify` and the library's `diffVersions` and `verify`
// search. The command line states the same defaults in its options (src/cli/cli.ts, which loads
// no tool at start-up); test/versions.test.ts holds the two together.

/** How far the solver searches: list lengths and other line items. */
export interface Bounds {
  /** Elements per list field of the case (prior procedures, therapies, ...). */
  list: number;
  /** Line items besides the one under decision. */
  items: number;
}

export const DEFAULT_BOUNDS: Bounds = { list: 2, items: 1 };
