// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// `count`, `some` and `no` over the other requested line items, when the test reads nothing of
// the item under decision (`some other_items where code in sij_injection`). Scanning the others
// for every item costs n² for n items; instead every item's membership is worked out once per
// case (in a per-case cache slot) and each item's answer is read off the totals, minus itself.
// The answers are exactly those of `count`/`some`/`none` over `Context.otherItems`. When tracing,
// each item scans the others as before, so its trace names the other items' facts it depends on.

import { count, type Member, some } from "./aggregates.js";
import type { Context } from "./context.js";
import { mergeTwo, not, type Range, type Tri, Unknown } from "./logic.js";

/** Every item's membership, and how many are definitely in and how many may be. */
interface Memberships {
  values: Tri[];
  definite: number;
  possible: number;
}

function membershipsOf(c: Context, slot: number, member: Member): Memberships {
  return c.cachedForCase(slot, () => {
    const values: Tri[] = [];
    let definite = 0;
    let possible = 0;
    for (const item of c.items) {
      const membership = member(item);
      values.push(membership);
      if (membership === true) definite++;
      else if (membership instanceof Unknown) possible++;
    }
    return { values, definite, possible };
  });
}

/** The unknown memberships of the items other than the current one, merged in item order. */
function othersUnknown(c: Context, values: readonly Tri[]): Unknown {
  let merged: Unknown | undefined;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (index === c.itemIndex || !(value instanceof Unknown)) continue;
    merged = merged === undefined ? value : mergeTwo(merged, value);
  }
  return merged ?? new Unknown([]);
}

/** `some other_items where ...` for a test that reads nothing of the current item; `slot` is a per-case cache slot. */
export function someOther(c: Context, slot: number, member: Member): Tri {
  if (c.tracing) return some(c.otherItems, member);
  const { values, definite, possible } = membershipsOf(c, slot, member);
  const self = values[c.itemIndex];
  if (definite - (self === true ? 1 : 0) > 0) return true;
  if (possible - (self instanceof Unknown ? 1 : 0) > 0) return othersUnknown(c, values);
  return false;
}

/** `no other_items where ...`: see `someOther`. */
export function noOther(c: Context, slot: number, member: Member): Tri {
  return not(someOther(c, slot, member));
}

/** `count other_items where ...`: see `someOther`. */
export function countOthers(c: Context, slot: number, member: Member): number | Range {
  if (c.tracing) return count(c.otherItems, member);
  const { values, definite, possible } = membershipsOf(c, slot, member);
  const self = values[c.itemIndex];
  const sure = definite - (self === true ? 1 : 0);
  const maybe = possible - (self instanceof Unknown ? 1 : 0);
  return maybe === 0 ? sure : { lo: sure, hi: sure + maybe, unknown: othersUnknown(c, values) };
}
