// The offline plan runs the SDK with some of its per-resource bookkeeping left out
// (tools/plan/lean-sdk.ts). These show that what the plan reports does not change: every stack's
// plan from `npm run plan` (which applies it) equals the plan made here, in jest, with the SDK as
// shipped; and a program that never finishes still fails. tests/plan-lean-outputs.test.ts shows the
// outputs it makes when first read behave as the SDK's own.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makePlan } from "../tools/plan/make";
import { renderJson } from "../tools/plan/render";
import { ROOT } from "./support/stacks";
import { runPlan } from "./support/plan-documents";

const TEAM = path.join(ROOT, "tests", "fixtures", "team-stack");
const STACKS = [
  { stack: "dev", programFile: path.join(ROOT, "index.ts"), configFile: path.join(ROOT, "Pulumi.dev.yaml"), projectDir: ROOT },
  { stack: "prod", programFile: path.join(ROOT, "index.ts"), configFile: path.join(ROOT, "Pulumi.prod.yaml"), projectDir: ROOT },
  {
    stack: "cache",
    programFile: path.join(ROOT, "index.ts"),
    configFile: path.join(ROOT, "tests", "fixtures", "cache-stack", "Pulumi.cache.yaml"),
    projectDir: ROOT,
  },
  {
    stack: "logs",
    programFile: path.join(ROOT, "index.ts"),
    configFile: path.join(ROOT, "tests", "fixtures", "logs-stack", "Pulumi.logs.yaml"),
    projectDir: ROOT,
  },
  { stack: "ci", programFile: path.join(TEAM, "index.ts"), configFile: path.join(TEAM, "Pulumi.ci.yaml"), projectDir: TEAM },
];

/** `npm run plan` of a stack, as JSON: the plan and the process's exit and error output. */
function planCli(input: { programFile: string; configFile: string; stack: string }) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "acr-lean-")), "plan.json");
  const cli = runPlan(
    ...["--program", input.programFile, "--config", input.configFile, "--stack", input.stack],
    ...["--format", "json", "--out", out],
  );
  return { status: cli.status, stderr: cli.stderr, plan: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined };
}

const PROBES = path.join(ROOT, "tests", "fixtures", "lean-sdk");
const probe = (program: string) => ({
  stack: "probe",
  programFile: path.join(PROBES, program),
  configFile: path.join(PROBES, "Pulumi.probe.yaml"),
  projectDir: PROBES,
});

test("npm run plan runs with the bookkeeping left out; jest here, with the SDK as shipped", async () => {
  const cli = planCli(probe("probe.ts"));
  expect(JSON.parse(cli.plan!).outputs).toEqual({ outputsMadeWhenRead: true, length: 8 });
  const shipped = await makePlan(probe("probe.ts"));
  expect(shipped.run.outputs).toEqual({ outputsMadeWhenRead: false, length: 8 });
});

test("a program that waits for what never comes fails the plan, naming what waits, as the SDK's leak check does", () => {
  const cli = planCli(probe("stalled.ts"));
  expect(cli.status).toBe(1);
  expect(cli.stderr).toContain("error: The Pulumi runtime detected that the program exited before the following resource");
  expect(cli.stderr).toContain('"waits" [random:index/randomString:RandomString] was waiting for the value of its input property "length"');
  expect(cli.plan).toBeUndefined();
});

test("a program that fails while a resource waits for what never comes: the plan reports the program's error", () => {
  const cli = planCli(probe("fails-while-waiting.ts"));
  expect([cli.status, cli.stderr]).toEqual([1, "error: the program's own error, thrown while a resource waits\n"]);
});

describe("npm run plan, with the SDK's bookkeeping left out, reports what the SDK as shipped does", () => {
  test.each(STACKS)("$stack", async (input) => {
    const cli = planCli(input);
    expect(cli.status).not.toBe(1);
    const shipped = renderJson(await makePlan(input));
    const lean = cli.plan!;
    expect(JSON.parse(lean)).toEqual(JSON.parse(shipped));
    // Byte for byte too: the same resources in the same order, the same keys in the same order.
    expect(lean).toBe(shipped);
  });
});
