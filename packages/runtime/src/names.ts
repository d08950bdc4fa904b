// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// "Did you mean": the one suggestion function of pol, used by case validation here and by the
// compiler's diagnostics. Its work is bounded, so hostile input (a megabyte-long name, thousands
// of unknown names) costs little: long names get no suggestion, at most so many candidates are
// compared, and each comparison stops as soon as it cannot beat the best so far.

/** Names longer than this get no suggestion; at most this many candidates are compared. */
export const SUGGESTION_LIMITS = { maxNameLength: 64, maxCandidates: 1000 } as const;

/** Counts the edit-distance work done, for tests that bound it. */
export interface SuggestionWork {
  cells: number;
}

/**
 * The candidate closest to `name` (case-insensitively) within a third of its length (at least one
 * edit); on a tie, the first in alphabetical order. Undefined when none is that close.
 */
export function closestName(name: string, candidates: Iterable<string>, work?: SuggestionWork): string | undefined {
  if (name.length === 0 || name.length > SUGGESTION_LIMITS.maxNameLength) return undefined;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3));
  let looked = 0;
  for (const candidate of candidates) {
    if (++looked > SUGGESTION_LIMITS.maxCandidates) break;
    if (Math.abs(candidate.length - name.length) > bestDistance) continue;
    const distance = boundedEditDistance(lower, candidate.toLowerCase(), bestDistance, work);
    if (distance < bestDistance || (distance === bestDistance && (best === undefined || candidate < best))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance of `a` and `b` when it is at most `bound`, otherwise `bound + 1`. */
export function boundedEditDistance(a: string, b: string, bound: number, work?: SuggestionWork): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      previous[j] = value;
      if (value < rowMin) rowMin = value;
      diagonal = above;
    }
    if (work !== undefined) work.cells += b.length;
    if (rowMin > bound) return bound + 1;
  }
  const distance = previous[b.length]!;
  return distance > bound ? bound + 1 : distance;
}
