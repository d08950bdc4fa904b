// The schema a schema file extends (`use "spine.pol"` in spine-plan.pol): the one schema file it
// uses, with the records and enums that file's own program declares. The schema module of an
// extending schema imports from the base's module what is the same in both.

import type { SchemaFile } from "../model.js";
import { resolveUse, type LoadedFile, type LoadedProgram } from "./loader.js";
import { buildEnvironment } from "./schema.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";

/** The base of the schema declared by `schemaFile`, a file of `program`; none when it uses no
 *  file, more than one, or a file that is not a schema. */
export function schemaBaseOf(program: LoadedProgram, schemaFile: LoadedFile): SchemaFile | undefined {
  const byPath = new Map(program.files.map((file) => [file.hostPath, file]));
  const used = (file: LoadedFile): LoadedFile[] =>
    (file.ast?.uses ?? []).flatMap((use) => byPath.get(resolveUse(file.hostPath, use.path.value)) ?? []);
  const baseOf = (file: LoadedFile): SchemaFile | undefined => {
    const uses = used(file);
    if (uses.length !== 1 || file.ast?.uses.length !== 1) return undefined;
    const base = uses[0]!;
    const header = base.ast?.header;
    if (header?.kind !== "SchemaHeader") return undefined;
    // The base's own program: it and every file it uses, declarations read in the same order.
    const reached = new Set<LoadedFile>();
    const reach = (next: LoadedFile): void => {
      if (reached.has(next)) return;
      reached.add(next);
      for (const file of used(next)) reach(file);
    };
    reach(base);
    const diagnostics: Diagnostic[] = [];
    const env = buildEnvironment(program.declarationOrder.filter((file) => reached.has(file)).map((file) => file.ast!), diagnostics);
    if (hasErrors(diagnostics)) return undefined;
    const further = baseOf(base);
    return { name: header.name.name, source: base.rootPath, schema: env.schema, ...(further ? { base: further } : {}) };
  };
  return baseOf(schemaFile);
}
