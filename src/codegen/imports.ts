// The runtime names a generated module uses, so it imports exactly those. Names are typed as the
// runtime's exports: using a name the runtime does not export fails type-checking.

import type { RuntimeTypeName, RuntimeValueName } from "./runtime-names.js";

export class Imports {
  private readonly values = new Set<string>();
  private readonly types = new Set<string>();

  /** Use a runtime value (function, class, constant); returns its name for printing. */
  value(name: RuntimeValueName): string {
    this.values.add(name);
    return name;
  }

  /** Use a runtime type; returns its name for printing. */
  type(name: RuntimeTypeName): string {
    this.types.add(name);
    return name;
  }

  /** The import declarations, names sorted case-insensitively (then by code unit, for ties). */
  print(from: string): string {
    const lines: string[] = [];
    const source = JSON.stringify(from);
    if (this.values.size > 0) lines.push(`import { ${sorted(this.values).join(", ")} } from ${source};`);
    if (this.types.size > 0) lines.push(`import type { ${sorted(this.types).join(", ")} } from ${source};`);
    return lines.join("\n");
  }
}

function sorted(names: Set<string>): string[] {
  return [...names].sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    if (x !== y) return x < y ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
