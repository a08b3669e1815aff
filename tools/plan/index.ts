/**
 * The offline plan: runs a stack's Pulumi program under the SDK's mock engine with realistic Azure
 * mocks, and shows every resource it declares (inputs and options), the stack outputs and the
 * security policy verdicts, as text, JSON or a Mermaid diagram. No Azure, no Pulumi CLI.
 *
 *   npm run plan -- [--stack <name>] [--config <file>] [--program <file>] [--format text|json|mermaid] [--out <file>] [--compare <plan.json>]
 *
 * Its options and help are declared once, on the shell the image tool shares (tools/cli/).
 */
import * as fs from "fs";
import * as path from "path";
import { ValidationError } from "../../components/validation";
import { findProjectDir } from "../../testing/program";
import { UsageError } from "../cli/errors";
import { processIo, type CliIo } from "../cli/io";
import { HELP_OPTION, defineOptions, type OptionValues } from "../cli/options";
import { defineCommand, runCommand } from "../cli/shell";
import { comparePlans, renderComparisonText } from "./compare";
import { planDocument, type PlanDocument } from "./document";
import { leanSdkForPlan, unfinishedProgramMessage } from "./lean-sdk";
import { makePlan, type PlanInput } from "./make";
import { renderJson, renderMermaid, renderText } from "./render";

const FORMATS = ["text", "json", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

const OPTIONS = defineOptions({
  stack: {
    type: "string",
    value: "<name>",
    help: "stack name; reads Pulumi.<stack>.yaml next to the program's Pulumi.yaml (default: dev)",
  },
  config: { type: "string", value: "<file>", help: "read this stack settings file instead" },
  program: { type: "string", value: "<file>", help: "the Pulumi TypeScript program to plan (default: index.ts in the current folder)" },
  format: { type: "string", value: "<format>", help: "text (default), json or mermaid" },
  out: { type: "string", value: "<file>", help: "write the plan to this file instead of stdout (npm prints its own lines on stdout)" },
  compare: {
    type: "string",
    value: "<plan.json>",
    help: "an earlier JSON plan (such as the base branch's): show what would be added, deleted,\nreplaced or updated, input by input, and the change in cost, instead of the whole plan",
  },
  help: HELP_OPTION,
});

/** What the user asked for, checked. */
interface PlanRequest extends PlanInput {
  format: Format;
  /** Where to write the plan; stdout when absent. */
  out?: string;
  /** An earlier JSON plan to compare with. */
  compare?: PlanDocument;
}

function parseRequest(values: OptionValues<typeof OPTIONS>): PlanRequest {
  const stack = values.stack ?? "dev";
  if (!/^[\w.-]+$/.test(stack))
    throw new UsageError(`--stack ${JSON.stringify(stack)} is not allowed: use letters, digits, '-', '_' or '.'`);
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format ${JSON.stringify(values.format)} is not allowed: use text, json or mermaid`);
  const programFile = path.resolve(values.program ?? "index.ts");
  if (!fs.existsSync(programFile) || !fs.statSync(programFile).isFile()) {
    throw new UsageError(`--program ${JSON.stringify(values.program)} is not a file: give a Pulumi TypeScript program such as index.ts`);
  }
  const projectDir = findProjectDir(path.dirname(programFile)) ?? path.dirname(programFile);
  const configFile = path.resolve(values.config ?? path.join(projectDir, `Pulumi.${stack}.yaml`));
  if (!fs.existsSync(configFile)) {
    const setting = values.config ? "--config" : "--stack";
    const value = values.config ?? stack;
    throw new UsageError(
      `${setting} ${JSON.stringify(value)}: ${path.relative(process.cwd(), configFile) || configFile} does not exist; give --stack <name> for Pulumi.<name>.yaml or --config <file>`,
    );
  }
  const out = values.out === undefined ? undefined : path.resolve(values.out);
  if (out !== undefined && (!fs.existsSync(path.dirname(out)) || (fs.existsSync(out) && fs.statSync(out).isDirectory()))) {
    throw new UsageError(`--out ${JSON.stringify(values.out)} is not allowed: give a file in a folder that exists`);
  }
  const compare = values.compare === undefined ? undefined : readPlanDocument(values.compare);
  if (compare !== undefined && format === "mermaid") throw new UsageError("--compare shows a comparison as text or json, not mermaid");
  return { stack, configFile, programFile, projectDir, format, out, compare };
}

/** An earlier plan written with `--format json`, checked enough to compare with. */
function readPlanDocument(file: string): PlanDocument {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--compare ${JSON.stringify(file)} cannot be read as JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  const record = document as Partial<PlanDocument> | null;
  if (record === null || typeof record !== "object" || !Array.isArray(record.resources) || typeof record.stack !== "string") {
    throw new UsageError(`--compare ${JSON.stringify(file)} is not a plan: write one with --format json`);
  }
  return { outputs: {}, policyViolations: [], ...record } as PlanDocument;
}

/** Makes, renders and writes the plan; a bad setting in the stack is reported here, one line each. */
async function plan(request: PlanRequest, io: CliIo): Promise<number> {
  try {
    const made = await makePlan(request);
    const render = { text: renderText, json: renderJson, mermaid: renderMermaid }[request.format];
    const comparison = request.compare && comparePlans(request.compare, planDocument(made));
    const rendered = comparison
      ? request.format === "json"
        ? `${JSON.stringify(comparison, null, 2)}\n`
        : renderComparisonText(comparison)
      : render(made, process.cwd());
    if (request.out) {
      fs.writeFileSync(request.out, rendered);
      io.stderr.write(
        `Wrote the ${request.format} plan of ${made.run.stack} to ${path.relative(process.cwd(), request.out) || request.out}\n`,
      );
    } else {
      io.stdout.write(rendered);
    }
    return made.violations.some((v) => v.enforcement === "mandatory") ? EXIT_MANDATORY_VIOLATION : 0;
  } catch (error) {
    // What the program and its settings say, as the program says it: every problem on its own line.
    const lines =
      error instanceof ValidationError
        ? error.problems.map((p) => `${error.subject ? `${error.subject}: ` : ""}${p.setting}: ${p.problem}`)
        : [error instanceof Error ? error.message : String(error)];
    io.stderr.write(lines.map((line) => `error: ${line}\n`).join(""));
    return 1;
  }
}

/** A mandatory policy is violated; CI tells it from a failed plan (1). */
const EXIT_MANDATORY_VIOLATION = 2;

const PLAN = defineCommand({
  name: "plan",
  summary: "the offline plan of a stack",
  description:
    "Runs a stack's Pulumi program under the SDK's mock engine with realistic Azure mocks and shows every resource it\n" +
    "would declare, the stack outputs, the security policy verdicts and a cost estimate. No Azure, no Pulumi CLI.",
  options: OPTIONS,
  notes: "Exit status: 0 plan made (advisory violations allowed); 1 invalid input or config; 2 a mandatory policy is violated.",
  positionals: { min: 0, max: 0, what: "no arguments (options only)" },
  run: ({ values }, io) => plan(parseRequest(values), io),
});

export async function main(argv: string[], io: CliIo = processIo("plan")): Promise<number> {
  // Errors print as one message, so no stack trace is ever shown: none is formatted.
  Error.stackTraceLimit = 0;
  leanSdkForPlan();
  // A program's error can surface from inside an apply; report it like any other, without a trace.
  const onRejection = (error: unknown) => {
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  // A program that waits for what never comes (a promise that never settles, a cycle) leaves
  // nothing for Node to do before the plan is made: say what it waits for, as the SDK would. One
  // turn later, so that a program that failed too is reported instead (the harness stops waiting
  // for its registrations then).
  let finished = false;
  const onStalled = () =>
    setImmediate(() => {
      if (finished) return;
      io.stderr.write(`error: ${unfinishedProgramMessage()}\n`);
      process.exit(1);
    });
  process.on("unhandledRejection", onRejection);
  process.on("beforeExit", onStalled);
  try {
    // Exit 2 means a mandatory violation here, so wrong arguments exit 1 like a wrong setting.
    return await runCommand({ name: "plan", exitCodes: { usage: 1 } }, PLAN, argv, io);
  } finally {
    finished = true;
    process.off("unhandledRejection", onRejection);
    process.off("beforeExit", onStalled);
  }
}
