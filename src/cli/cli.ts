// The `pol` command line. Every command returns an exit code: 0 success, 1 failure (errors in
// the input, failing tests, stale output), 2 usage errors. No input ever produces a stack trace.

import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { DiagnosticFormat } from "./commands/check.js";
import type { CompileOptions } from "./commands/compile.js";
import type { DiffFormat } from "./commands/diff.js";
import type { EvalOptions } from "./commands/eval.js";
import type { VerifyFormat } from "./commands/verify.js";
import type { ServeOptions } from "./commands/serve.js";
import type { TestReporter } from "./commands/test.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, type Io } from "./io.js";
// bin/pol.js installs it from the same module graph as the commands, which read its state.
export { tolerateClosedOutput } from "./closed-streams.js";
import { describeFileSystemFailure, FileSystemError, isFileSystemFailure, polVersion, UsageError } from "../core.js";

// Each command's module is imported when the command runs, not before: most commands need the
// whole library facade (the code generator, the interpreter, the tools), `pol check` only its
// core (src/core.ts), and `pol --help` nothing, so a command pays only for what it uses.

// Shown after `pol --help`: the everyday commands, then what the exit codes mean (CI reads them).
const PROGRAM_HELP = `
Examples:
  $ pol init                       start a project: config, schema, policy, tests, CI workflow
  $ pol check                      type-check the project's policies
  $ pol compile --check            fail when compiled/ is out of date
  $ pol eval policy.pol case.json  the determination for one case
  $ pol help check                 the options and examples of one command

Exit codes:
  0  success
  1  errors in the input, failing tests, stale output, or a file that cannot be read or written
  2  usage error (unknown command or option, missing file, a file of the wrong kind, a mistake in pol.config.json)`;

const EXAMPLES = {
  check: `
Examples:
  $ pol check                      check the project's policies (pol.config.json, else policies/)
  $ pol check policies/cigna       check one folder
  $ pol check --format json        machine-readable diagnostics
  $ pol check --format github      annotations on the changed lines of a pull request
  $ pol check --format sarif       a SARIF log for code-scanning tools
  $ pol check --watch              check again on every change
  $ pol check --deny-warnings      fail on warnings too (for CI)`,
  compile: `
Examples:
  $ pol compile                    compile the project's policies into its output folder
  $ pol compile --check            exit 1 when the output is stale (for CI)
  $ pol compile policies --out build/evaluators
  $ pol compile --emit js --out evaluators      JavaScript (ES modules) with declaration files`,
  eval: `
Examples:
  $ pol eval policies/truecare/sacroiliac-joint-procedures.pol case.json
  $ pol eval policy.pol case.json --explain       every criterion with the facts it used
  $ pol eval policy.pol case.json --format json   the determination as JSON
  $ pol eval policy.pol case.json --format questionnaire > q.json   what a pended item still needs
  $ pol eval policy.pol case.json --response qr.json   the case completed with the answers, decided again
  $ pol eval policy.pol cases.ndjson > out.ndjson  many cases on every core, one determination per line
  $ pol eval policy.pol - --jobs 4 < cases.ndjson   NDJSON from stdin on 4 worker threads
  $ pol eval policy.pol --fhir bundle.json         a FHIR R4 bundle read into the case (docs/fhir.md)
  $ pol eval policy.pol --fhir bundles.ndjson      one bundle per line
  $ pol eval policy.pol --fhir b.json --bindings my.fhir.pol   bindings other than <schema>.fhir.pol`,
  test: `
Examples:
  $ pol test                              run every *.test.json of the project
  $ pol test policies/truecare/tests      one folder of test files
  $ pol test --min-coverage 90            also fail below 90% criterion coverage
  $ pol test --run "boundary"             only the tests whose name contains "boundary"
  $ pol test --format json                results and coverage as JSON
  $ pol test --generate policies/truecare/sacroiliac-joint-procedures.pol
                                          write generated boundary cases to review (tests/*.generated.test.json)
  $ pol test --reporter junit --output results.xml   JUnit XML for CI
  $ pol test --watch                      run again on every change`,
  diff: `
Examples:
  $ pol diff old.pol new.pol                  what changed, and a case for each code decided differently
  $ pol diff old.pol new.pol --structural     the structural changes only (no solver)
  $ pol diff old.pol new.pol --max-list 3     search histories of up to 3 events per list
  $ pol diff old.pol new.pol --cases history.ndjson   past cases whose outcome flips, by outcome and criterion
  $ pol diff old.pol new.pol --format json    the report as JSON`,
  verify: `
Examples:
  $ pol verify policies/cigna/trigger-point-injections.pol   every property, with a case for each finding
  $ pol verify policy.pol --format json                       findings as JSON
Exit codes: 0 when every property holds, 1 when there is a finding or an undecided question.`,
  fmt: `
Examples:
  $ pol fmt                        format every .pol file under policies/
  $ pol fmt --check                exit 1 when a file is not formatted (for CI)
  $ pol fmt policies/cigna         format one folder`,
  init: `
Examples:
  $ pol init                       scaffold the current folder
  $ pol init my-policies           scaffold a new folder`,
  lsp: `
Examples:
  $ pol lsp                        serve one editor over stdin and stdout
  $ pol lsp --stdio                the same (language clients pass --stdio)`,
  serve: `
Examples:
  $ pol serve policies/truecare/sacroiliac-joint-procedures.pol   CDS Hooks at http://127.0.0.1:8380/cds-services
  $ pol serve policies/*/*.pol --port 9000                        every policy, on another port`,
};

/** A whole number from `min` to `max`. */
function parseCount(min: number, max: number): (value: string) => number {
  return (value) => {
    const count = Number(value.trim());
    if (value.trim() === "" || !Number.isInteger(count) || count < min || count > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return count;
  };
}

/** The bounds of the cases `diff` and `verify` ask the solver for, with one meaning in both. */
function withSolverBounds(command: Command): Command {
  return command
    .option("--max-list <n>", "elements per list in the cases searched", parseCount(1, 6), 2)
    .option("--max-items <n>", "other line items in the cases searched", parseCount(0, 4), 1)
    .option("--timeout <seconds>", "time limit of each solver query", parseCount(1, 3600), 30);
}

/** `--port`: a TCP port, 0 for any free one. */
function parsePort(value: string): number {
  const port = Number(value.trim());
  if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port from 0 to 65535 (0: any free port)");
  return port;
}

/** `--min-coverage`: a percent from 0 to 100. */
function parsePercent(value: string): number {
  const percent = Number(value.trim().replace(/%$/, ""));
  if (value.trim() === "" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new InvalidArgumentError("expected a percent from 0 to 100, e.g. `90`");
  }
  return percent;
}

/** `--jobs`: a whole number of worker threads, at least 1. */
function parseJobs(value: string): number {
  const jobs = Number(value.trim());
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) throw new InvalidArgumentError("expected a whole number of worker threads from 1 to 1024");
  return jobs;
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command()
    .name("pol")
    .description("Check, compile, evaluate and test medical-necessity policies written in pol.")
    .version(polVersion(), "-V, --version")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `pol --help` for usage)")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText("after", PROGRAM_HELP);

  const diagnosticFormat = () =>
    new Option("--format <format>", "output format: people, tools, a SARIF log, GitHub Actions annotations")
      .choices(["human", "json", "sarif", "github"])
      .default("human");
  const paths = () => new Argument("[paths...]", "files or folders (default: the source roots in pol.config.json, else policies/)");

  program
    .command("check")
    .description("parse and type-check .pol files, reporting every error")
    .addArgument(paths())
    .addOption(diagnosticFormat())
    .option("--watch", "check again whenever a .pol file changes", false)
    .option("--deny-warnings", "exit 1 when there are warnings too (for CI)", false)
    .addHelpText("after", EXAMPLES.check)
    .action(async (paths: string[], options: { format: DiagnosticFormat; watch: boolean; denyWarnings: boolean }) => {
      const { runCheck } = await import("./commands/check.js");
      setExit(await runCheck(paths, options, io));
    });

  program
    .command("compile")
    .description("compile policies to typed TypeScript evaluators")
    .addArgument(paths())
    .option("--out <dir>", "output folder (default: `out` in pol.config.json, else compiled)")
    .option("--check", "do not write: exit 1 when the output folder is not up to date", false)
    .addOption(
      new Option("--emit <kind>", "ts: TypeScript; js: ES modules with declarations; cjs: CommonJS with declarations")
        .choices(["ts", "js", "cjs"])
        .default("ts"),
    )
    .addOption(
      new Option("--import-extension <ext>", "relative imports in TypeScript output end in .js (tsc) or .ts (Node's type stripping)")
        .choices(["js", "ts"])
        .default("js"),
    )
    .addOption(diagnosticFormat())
    .addHelpText("after", EXAMPLES.compile)
    .action(async (paths: string[], options: CompileOptions) => {
      const { runCompile } = await import("./commands/compile.js");
      setExit(await runCompile(paths, options, io));
    });

  program
    .command("eval")
    .description("evaluate a case (or many, as NDJSON) against a policy and print the determination")
    .argument("<policy>", "the policy's .pol file")
    .argument("[case]", "the case, as JSON; or many cases, one per line, as `*.ndjson`, `*.jsonl` or `-` (stdin)")
    .option("--fhir <bundle>", "read the case from a FHIR R4 bundle (JSON), or many bundles (`*.ndjson`, `-`), instead of <case>")
    .option("--bindings <file>", "the FHIR bindings to read bundles with (default: `<schema>.fhir.pol` beside the policy's schema)")
    .option("--explain", "include every criterion with its status and the facts it used", false)
    .option("--as-proposed", "evaluate a proposed policy (`effective proposed`) as if it were in effect", false)
    .addOption(
      new Option("--format <format>", "output format (one case): the letter, JSON, or a Da Vinci answer (docs/fhir.md)")
        .choices(["text", "json", "crd", "questionnaire", "claim-response"])
        .default("text"),
    )
    .option("--response <file>", "a QuestionnaireResponse whose answers complete the case before it is evaluated")
    .option("--coverage <reference>", "the member's Coverage for --format crd (`Coverage/ID` or a URL; default: the bundle's)")
    .option("--patient <reference>", "the member for --format claim-response (`Patient/ID` or a URL; default: the bundle's)")
    .option("--answer-date <date>", "the date of a Da Vinci answer, YYYY-MM-DD (default: today)")
    .option("--jobs <n>", "worker threads for many cases (default: every core)", parseJobs)
    .option("--summary <file>", "also write the summary of many cases to <file> as JSON")
    .option("--ignore-unknown-fields", "accept fields the schema does not declare (one payload for several policies)", false)
    .addHelpText("after", EXAMPLES.eval)
    .action(async (policy: string, casePath: string | undefined, options: EvalOptions) => {
      const { runEval } = await import("./commands/eval.js");
      setExit(await runEval(policy, casePath, options, io));
    });

  program
    .command("test")
    .description("run policy test files against the interpreter and the compiled evaluator, with coverage")
    .argument("[paths...]", "test files or folders holding *.test.json files (default: the source roots in pol.config.json, else policies/)")
    .option("--min-coverage <percent>", "fail when less than <percent> (0-100) of the reachable criterion states are covered (default: `minCoverage` in pol.config.json)", parsePercent)
    .option("--run <name>", "run only the tests whose name contains <name> (repeatable)", collect)
    .addOption(new Option("--reporter <reporter>", "report for people, tools (JSON), CI (JUnit XML) or GitHub Actions annotations").choices(["human", "json", "junit", "github"]))
    .addOption(new Option("--format <format>", "`json`: the same as --reporter json").choices(["human", "json"]))
    .option("--output <file>", "write the --reporter report to <file>; the summary still goes to the terminal")
    .option("--watch", "run the tests again whenever a .pol or test file changes", false)
    .option("--generate <policy>", "write a test file of generated cases for <policy>: every reachable criterion state and every boundary")
    .option("--out <file>", "with --generate: the test file to write (default: tests/<policy>.generated.test.json beside the policy)")
    .option("--force", "with --generate: replace the test file if it exists", false)
    .option("--timeout <seconds>", "with --generate: time limit of each solver query", parseCount(1, 3600), 20)
    .addHelpText("after", EXAMPLES.test)
    .action(
      async (
        paths: string[],
        options: {
          minCoverage?: number;
          run?: string[];
          reporter?: TestReporter;
          format?: "human" | "json";
          output?: string;
          watch: boolean;
          generate?: string;
          out?: string;
          force: boolean;
          timeout: number;
        },
      ) => {
        if (options.generate !== undefined) {
          if (paths.length > 0) throw new UsageError("--generate writes a test file for one policy: give no test paths with it");
          const { generate, force, timeout } = options;
          const { runGenerateTests } = await import("./commands/generate-tests.js");
          setExit(await runGenerateTests(generate, { force, timeout, ...(options.out !== undefined ? { out: options.out } : {}) }, io));
          return;
        }
        if (options.out !== undefined || options.force) throw new UsageError("--out and --force go with --generate");
        if (options.reporter !== undefined && options.format !== undefined && options.reporter !== options.format) {
          throw new UsageError("--format and --reporter disagree: give one of them");
        }
        const reporter = options.reporter ?? options.format ?? "human";
        const { runTest } = await import("./commands/test.js");
        setExit(
          await runTest(
            paths,
            {
              reporter,
              watch: options.watch,
              ...(options.minCoverage !== undefined ? { minCoverage: options.minCoverage } : {}),
              ...(options.run !== undefined ? { run: options.run } : {}),
              ...(options.output !== undefined ? { output: options.output } : {}),
            },
            io,
          ),
        );
      },
    );

  withSolverBounds(
    program
      .command("diff")
      .description("compare two versions of a policy: structural changes, and a case for each code they decide differently")
      .argument("<old>", "the old version's .pol file")
      .argument("<new>", "the new version's .pol file")
      .option("--structural", "only the structural changes (no solver)", false)
      .option("--cases <history.ndjson>", "replay past cases (one JSON case per line) under both versions and report the flips"),
  )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .addHelpText("after", EXAMPLES.diff)
    .action(
      async (
        oldPath: string,
        newPath: string,
        options: { structural: boolean; maxList: number; maxItems: number; timeout: number; format: DiffFormat; cases?: string },
      ) => {
        const { runDiff } = await import("./commands/diff.js");
        setExit(await runDiff(oldPath, newPath, options, io));
      },
    );

  withSolverBounds(
    program
      .command("verify")
      .description("check a policy for rules that never approve, dead or unmeetable criteria and conflicting rules")
      .argument("<policy>", "the policy's .pol file"),
  )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .addHelpText("after", EXAMPLES.verify)
    .action(async (policy: string, options: { maxList: number; maxItems: number; timeout: number; format: VerifyFormat }) => {
      const { runVerify } = await import("./commands/verify.js");
      setExit(await runVerify(policy, options, io));
    });

  program
    .command("fmt")
    .description("format .pol files in the house style (the prettier plugin)")
    .addArgument(paths())
    .option("--check", "do not write: list the files that are not formatted and exit 1", false)
    .addOption(new Option("--format <format>", "output format").choices(["human", "json"]).default("human"))
    .addHelpText("after", EXAMPLES.fmt)
    .action(async (paths: string[], options: { check: boolean; format: "human" | "json" }) => {
      const { runFmt } = await import("./commands/fmt.js");
      setExit(await runFmt(paths, options, io));
    });

  program
    .command("init")
    .description("start an analysts' repository: pol.config.json, a schema, a policy with tests, an example case and a CI workflow")
    .argument("[folder]", "where to create it (created if missing)", ".")
    .addOption(new Option("--format <format>", "output format").choices(["human", "json"]).default("human"))
    .addHelpText("after", EXAMPLES.init)
    .action(async (folder: string, options: { format: "human" | "json" }) => {
      const { runInit } = await import("./commands/init.js");
      setExit(await runInit(folder, options, io));
    });

  program
    .command("serve")
    .description("serve the CRD coverage requirements of policies over CDS Hooks (order-select, order-sign) on localhost")
    .argument("[policies...]", "the policies' .pol files")
    .option("--port <port>", "the TCP port (0: any free port)", parsePort, 8380)
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .option("--bindings <file>", "the FHIR bindings for every policy (default: `<schema>.fhir.pol` beside each policy's schema)")
    .option("--as-proposed", "answer for proposed policies (`effective proposed`) as if they were in effect", false)
    .addHelpText("after", EXAMPLES.serve)
    .action(async (policies: string[], options: ServeOptions) => {
      const { runServe } = await import("./commands/serve.js");
      setExit(await runServe(policies, options, io));
    });

  program
    .command("lsp")
    .description("run the language server for editors (Language Server Protocol over stdio)")
    .option("--stdio", "talk over stdin and stdout (the default and only transport)", false)
    .addHelpText("after", EXAMPLES.lsp)
    .action(async () => {
      const { runLsp } = await import("./commands/lsp.js");
      await runLsp();
    });

  return program;
}

/** `--run a --run b`: every value, in order. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Run the CLI with `argv` (without `node` and the script) and return the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT_OK;
      if (error.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // The file system failed (a folder pol may not read, an output it cannot write, a full disk):
    // a problem of the environment, not a bug in pol.
    if (error instanceof FileSystemError || isFileSystemFailure(error)) {
      const message = error instanceof FileSystemError ? error.message : describeFileSystemFailure(error);
      io.err(`error: ${message}\n`);
      io.err("help: check that the path exists, is of the right kind (file or folder) and that pol may use it\n");
      return EXIT_FAILED;
    }
    io.err(`internal error: ${(error as Error)?.message ?? String(error)}\n`);
    io.err("this is a bug in pol; please report it with the input that caused it\n");
    return EXIT_FAILED;
  }
}
