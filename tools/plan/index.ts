/**
 * The offline plan: runs a stack's Pulumi program under the SDK's mock engine with realistic Azure
 * mocks, and shows every resource it declares (inputs and options), the stack outputs and the
 * security policy verdicts, as text, JSON or a Mermaid diagram. No Azure, no Pulumi CLI.
 *
 *   npm run plan -- [--stack <name>] [--config <stack yaml>] [--program <file>] [--format text|json|mermaid]
 *
 * Exit status: 0 plan made (advisory violations allowed); 1 invalid input or config; 2 a mandatory
 * policy is violated.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ValidationError } from "../../components/validation";
import { findProjectDir } from "../../testing/program";
import { comparePlans, renderComparisonText } from "./compare";
import { planDocument, type PlanDocument } from "./document";
import { makePlan, type PlanInput } from "./make";
import { renderJson, renderMermaid, renderText } from "./render";

const FORMATS = ["text", "json", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: npm run plan -- [--stack <name>] [--config <stack yaml>] [--program <file>] [--format text|json|mermaid] [--out <file>]

  --stack    stack name; reads Pulumi.<stack>.yaml next to the program's Pulumi.yaml (default: dev)
  --config   read this stack settings file instead
  --program  the Pulumi TypeScript program to plan (default: index.ts in the current folder)
  --format   text (default), json or mermaid
  --out      write the plan to this file instead of stdout (npm prints its own lines on stdout)
  --compare  an earlier JSON plan (such as the base branch's): show what would be added, deleted,
             replaced or updated, input by input, and the change in cost, instead of the whole plan
`;

/** What the user asked for, checked. */
interface PlanRequest extends PlanInput {
  format: Format;
  /** Where to write the plan; stdout when absent. */
  out?: string;
  /** An earlier JSON plan to compare with. */
  compare?: PlanDocument;
}

function parseRequest(argv: string[]): PlanRequest | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        program: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        compare: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new ValidationError("arguments", `${(error as Error).message.replace(/\.$/, "")}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) return "help";
  const stack = values.stack ?? "dev";
  if (!/^[\w.-]+$/.test(stack))
    throw new ValidationError("--stack", `${JSON.stringify(stack)} is not allowed: use letters, digits, '-', '_' or '.'`);
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format))
    throw new ValidationError("--format", `${JSON.stringify(values.format)} is not allowed: use text, json or mermaid`);
  const programFile = path.resolve(values.program ?? "index.ts");
  if (!fs.existsSync(programFile) || !fs.statSync(programFile).isFile()) {
    throw new ValidationError(
      "--program",
      `${JSON.stringify(values.program)} is not a file: give a Pulumi TypeScript program such as index.ts`,
    );
  }
  const projectDir = findProjectDir(path.dirname(programFile)) ?? path.dirname(programFile);
  const configFile = path.resolve(values.config ?? path.join(projectDir, `Pulumi.${stack}.yaml`));
  if (!fs.existsSync(configFile)) {
    const setting = values.config ? "--config" : "--stack";
    const value = values.config ?? stack;
    throw new ValidationError(
      setting,
      `${JSON.stringify(value)}: ${path.relative(process.cwd(), configFile) || configFile} does not exist; give --stack <name> for Pulumi.<name>.yaml or --config <file>`,
    );
  }
  const out = values.out === undefined ? undefined : path.resolve(values.out);
  if (out !== undefined && (!fs.existsSync(path.dirname(out)) || (fs.existsSync(out) && fs.statSync(out).isDirectory()))) {
    throw new ValidationError("--out", `${JSON.stringify(values.out)} is not allowed: give a file in a folder that exists`);
  }
  const compare = values.compare === undefined ? undefined : readPlanDocument(values.compare);
  if (compare !== undefined && format === "mermaid") {
    throw new ValidationError("--compare", "shows a comparison as text or json, not mermaid");
  }
  return { stack, configFile, programFile, projectDir, format, out, compare };
}

/** An earlier plan written with `--format json`, checked enough to compare with. */
function readPlanDocument(file: string): PlanDocument {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ValidationError("--compare", `${JSON.stringify(file)} cannot be read as JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  const record = document as Partial<PlanDocument> | null;
  if (record === null || typeof record !== "object" || !Array.isArray(record.resources) || typeof record.stack !== "string") {
    throw new ValidationError("--compare", `${JSON.stringify(file)} is not a plan: write one with --format json`);
  }
  return { outputs: {}, policyViolations: [], ...record } as PlanDocument;
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // The SDK records a stack trace for every promise it makes, to report leaks; the plan never shows
  // one (errors print as one message), and formatting them is the largest cost of a big stack.
  Error.stackTraceLimit = 0;
  // A program's error can surface from inside an apply; report it like any other, without a trace.
  const onRejection = (error: unknown) => {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  process.on("unhandledRejection", onRejection);
  try {
    const request = parseRequest(argv);
    if (request === "help") {
      io.stdout(USAGE);
      return 0;
    }
    const plan = await makePlan(request);
    const render = { text: renderText, json: renderJson, mermaid: renderMermaid }[request.format];
    const comparison = request.compare && comparePlans(request.compare, planDocument(plan));
    const rendered = comparison
      ? request.format === "json"
        ? `${JSON.stringify(comparison, null, 2)}\n`
        : renderComparisonText(comparison)
      : render(plan, process.cwd());
    if (request.out) {
      fs.writeFileSync(request.out, rendered);
      io.stderr(`Wrote the ${request.format} plan of ${plan.run.stack} to ${path.relative(process.cwd(), request.out) || request.out}\n`);
    } else {
      io.stdout(rendered);
    }
    return plan.violations.some((v) => v.enforcement === "mandatory") ? 2 : 0;
  } catch (error) {
    // Every problem on its own line.
    const lines =
      error instanceof ValidationError
        ? error.problems.map((p) => `${error.subject ? `${error.subject}: ` : ""}${p.setting}: ${p.problem}`)
        : [error instanceof Error ? error.message : String(error)];
    io.stderr(lines.map((line) => `error: ${line}\n`).join(""));
    return 1;
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}
