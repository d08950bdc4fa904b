// Identifiers of the answers pol gives: derived from what was decided, so the same determination
// always carries the same coverage assertion id, authorization number and questionnaire URL, and a
// payer can find the assertion again from the id alone (CRD's `coverage-assertion-id`).

import { createHash } from "node:crypto";
import type { Determination, ItemDetermination } from "@pol/runtime";

function digest(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** The policy version and the facts it decided on, as far as an item's answer depends on them. */
function itemKey(determination: Determination, item: ItemDetermination): unknown[] {
  const { policy } = determination;
  return [policy.id, policy.version, policy.sourceHash, determination.dateOfService, item.index, item.code, item.outcome,
    item.reasons.map((reason) => reason.criterion), item.missing.map((missing) => missing.fact)];
}

/** The coverage assertion id of an item's answer: `pol-` and 24 hex digits. */
export function assertionId(determination: Determination, item: ItemDetermination): string {
  return `pol-${digest(itemKey(determination, item)).slice(0, 24)}`;
}

/** The authorization number of an approved item: `A` and 12 upper-case hex digits. */
export function authorizationNumber(determination: Determination, item: ItemDetermination): string {
  return `A${digest(["authorization", ...itemKey(determination, item)]).slice(0, 12).toUpperCase()}`;
}

/** A `urn:uuid:` URI (a version-4-shaped UUID) derived from `parts`. */
export function derivedUuid(parts: readonly unknown[]): string {
  const hex = digest(parts);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
