// The generator's entry point: every checked policy becomes one policy module, and every schema
// they use one schema module, each formatted with prettier and identical on every run.

import type { LoweredPolicy } from "../lower/ir.js";
import { moduleFileName, RESERVED_MODULE_NAMES } from "../check/module-names.js";
import { lower } from "../lower/lower.js";
import type { CheckedPolicy } from "../model.js";
import { RUNTIME_VERSION } from "@pol/runtime";
import { policyModuleSource } from "./policy-module.js";
import { schemaModuleName, schemaModuleSource } from "./schema-module.js";
import { PRINT_WIDTH } from "./ts.js";

/** The policy module's base name: `truecare.sij` -> `truecare-sij` (`pol check` rejects clashes). */
export function moduleName(policy: { metadata: { id: string } }): string {
  return moduleFileName(policy.metadata.id);
}

/** Two policies that cannot be compiled side by side. */
export class ModuleConflict extends Error {}

/** The modules of a set of policies, keyed by file name (`truecare-sij.ts`, `spine.schema.ts`). */
export async function generateModules(policies: readonly CheckedPolicy[]): Promise<Map<string, string>> {
  const modules = new Map<string, string>();
  const owners = new Map<string, string>();
  const claim = (file: string, owner: string, source: string): void => {
    const previous = owners.get(file);
    if (previous !== undefined && modules.get(file) !== source) {
      throw new ModuleConflict(`\`${previous}\` and \`${owner}\` both compile to \`${file}\` with different contents; give one a different name`);
    }
    owners.set(file, owner);
    modules.set(file, source);
  };
  for (const policy of policies) {
    const name = moduleName(policy);
    if (RESERVED_MODULE_NAMES.includes(name)) {
      throw new ModuleConflict(`policy \`${policy.metadata.id}\` would compile to \`${name}.ts\`, a name pol keeps for itself; give it another id`);
    }
    claim(`${schemaModuleName(policy.schemaName)}.ts`, `schema ${policy.schemaName} as ${policy.metadata.source} uses it`, await generateSchemaModule(policy));
    // The schemas it extends, whose modules its schema's module imports.
    for (let base = policy.schemaBase; base !== undefined; base = base.base) {
      claim(`${schemaModuleName(base.name)}.ts`, `schema ${base.name} as ${policy.metadata.source} uses it`, await formatted(schemaModuleSource(base.name, base.source, base.schema, base.base)));
    }
    if (owners.has(`${name}.ts`)) {
      throw new ModuleConflict(`policies \`${owners.get(`${name}.ts`)}\` and \`${policy.metadata.source}\` both compile to \`${name}.ts\`; give one a different policy id`);
    }
    claim(`${name}.ts`, policy.metadata.source, await generatePolicyModule(policy));
  }
  return new Map([...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The policy's module, from its lowered form. */
export async function generatePolicyModule(policy: CheckedPolicy, lowered: LoweredPolicy = lower(policy)): Promise<string> {
  // Only major.minor: a patch release of the runtime leaves committed evaluators up to date.
  const runtimeVersion = RUNTIME_VERSION.split(".").slice(0, 2).join(".");
  return formatted(policyModuleSource(lowered, policy.schemaName, { runtimeVersion }));
}

/** The module of the schema the policy uses. */
export async function generateSchemaModule(policy: CheckedPolicy): Promise<string> {
  return formatted(schemaModuleSource(policy.schemaName, policy.schemaSource, policy.schema, policy.schemaBase));
}

/** Prettier is loaded on first use: only compiling and testing need it. */
export async function formatted(source: string): Promise<string> {
  const { format } = await import("prettier");
  return format(source, { parser: "typescript", printWidth: PRINT_WIDTH });
}
