// The interpreter's let cache: a let's value computed at most once per line item, by name. It
// rides on the runtime's per-item slots (`Context.cached`, which compiled evaluators use with slot
// numbers fixed at compile time): each let name gets a slot number the first time a context meets
// it, so reads are recorded and replayed exactly as for compiled code.

import type { Context } from "@pol/runtime";

const slotsByContext = new WeakMap<Context, Map<string, number>>();

/** The value of let `name` for the current line item, computing it on first use. */
export function memo<T>(context: Context, name: string, compute: () => T): T {
  let slots = slotsByContext.get(context);
  if (slots === undefined) slotsByContext.set(context, (slots = new Map()));
  let slot = slots.get(name);
  if (slot === undefined) slots.set(name, (slot = slots.size));
  return context.cached(slot, compute);
}
