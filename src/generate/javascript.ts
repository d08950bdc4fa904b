// Generated TypeScript as JavaScript with declaration files, for applications that do not compile
// TypeScript: `pol compile --emit js` (ES modules) or `--emit cjs` (CommonJS). The modules are
// compiled together, in memory, as one program against the `@pol/runtime` this process uses, so
// the declarations carry the same types as the TypeScript modules; a type error in the program
// would be a bug in the generator, and is reported as one.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMONJS_PACKAGE_JSON } from "../files/output-folder.js";
import { runtimeEntryUrl } from "../runtime-package.js";
import { RUNTIME_PACKAGE } from "./runtime-api.js";

export type ModuleFormat = "esm" | "cjs";

/** A folder no real file is in: the program's sources live there, in memory. */
const ROOT = "/__pol_generated__";

/** `modules` (file name -> TypeScript) as JavaScript and declaration files, keyed by file name. */
export async function toJavaScript(modules: ReadonlyMap<string, string>, format: ModuleFormat): Promise<Map<string, string>> {
  const ts = (await import("typescript")).default;
  const runtimeTypes = fileURLToPath(runtimeEntryUrl()).replace(/\.js$/, ".d.ts");
  const options: import("typescript").CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: format === "esm" ? ts.ModuleKind.ES2022 : ts.ModuleKind.CommonJS,
    moduleResolution: format === "esm" ? ts.ModuleResolutionKind.Bundler : ts.ModuleResolutionKind.Node10,
    paths: { [RUNTIME_PACKAGE]: [runtimeTypes] },
    strict: true,
    declaration: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2022.d.ts"],
    newLine: ts.NewLineKind.LineFeed,
    outDir: join(ROOT, "out"),
    rootDir: ROOT,
    removeComments: false,
  };
  const sources = new Map([...modules].filter(([file]) => file.endsWith(".ts")).map(([file, text]) => [join(ROOT, file), text]));
  const host = ts.createCompilerHost(options, true);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (path) => sources.has(path) || (!path.startsWith(ROOT) && fileExists(path));
  host.readFile = (path) => sources.get(path) ?? (path.startsWith(ROOT) ? undefined : readFile(path));
  host.getSourceFile = (path, language, onError, create) => {
    const text = sources.get(path);
    return text !== undefined ? ts.createSourceFile(path, text, language, true) : getSourceFile(path, language, onError, create);
  };
  host.directoryExists = (path) => path.startsWith(ROOT) || ts.sys.directoryExists(path);
  host.getCurrentDirectory = () => ROOT;
  const outputs = new Map<string, string>();
  host.writeFile = (path, text) => outputs.set(path.slice(join(ROOT, "out").length + 1), text);
  const program = ts.createProgram([...sources.keys()], options, host);
  const problems = ts.getPreEmitDiagnostics(program);
  if (problems.length > 0) {
    const text = ts.formatDiagnostics(problems.slice(0, 5), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" });
    throw new Error(`the generated modules do not type-check:\n${text}`);
  }
  program.emit();
  const result = new Map<string, string>();
  for (const [file, text] of [...outputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) result.set(file, text);
  // Inside a `"type": "module"` package, .js files are ES modules unless their folder says otherwise.
  if (format === "cjs") result.set("package.json", COMMONJS_PACKAGE_JSON);
  return result;
}
