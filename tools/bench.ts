/**
 * `npm run bench`: what the project costs, each figure as a ratio to the least any Pulumi program
 * costs (the floor: a cold `node -e 'require("@pulumi/pulumi")'`), measured side by side in one run:
 *
 * - the dev plan (`npm start`, JSON to a file), target <= 1.0x;
 * - the plan of a stack of 200 component instances, target <= 5x, and of 400, which should cost
 *   about twice 200 above the floor (linear growth); with the time and memory per resource;
 * - the stack program loaded as `pulumi up` loads it (@pulumi/pulumi's cmd/run/run.js, started as
 *   the language host starts it, through tests/support/run-as-pulumi.js), cold as on a CI runner:
 *   the caches emptied as `npm ci` leaves them, then the offline plan that CI runs before
 *   `pulumi preview` and `pulumi up` (ci-templates/), target <= 1.5x; and with no cache at all;
 * - with BENCH_TESTS=1, `npm test` once (it takes minutes), target <= 2 minutes.
 *
 * Each case is a fresh process; the cases take turns, BENCH_RUNS rounds (default 5), so a busy
 * moment of the machine touches all of them alike. Shown: medians of the wall time, the peak RSS.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? "5");
const RUN = path.join(ROOT, "tools", "run.js");
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), "acr-bench-"));

interface Case {
  label: string;
  args: string[];
  env?: Record<string, string>;
  /** Run before each measured run, not measured. */
  prepare?: () => void;
  /** Run after each measured run, not measured. */
  finish?: () => void;
}

interface Measurement {
  label: string;
  wallMs: number;
  peakMiB: number;
}

/** The plan of `count` instances, written to a file whose resources are counted afterwards. */
const instances = (count: number): Case => ({
  label: `plan, ${count} instances`,
  args: [RUN, "plan", "--program", "tools/bench/instances.ts", "--config", "tools/bench/Pulumi.bench.yaml", "--stack", "bench"].concat([
    "--format",
    "json",
    "--out",
    path.join(SCRATCH, `instances-${count}.json`),
  ]),
  env: { BENCH_INSTANCES: String(count) },
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS helper the tests use
const { languageHostLaunch } = require("../tests/support/language-host") as {
  languageHostLaunch: (dir: string) => { nodeArgs: string[]; env: Record<string, string> };
};
const launch = languageHostLaunch(ROOT);
const devPlanArgs = [RUN, "plan", "--format", "json", "--out", path.join(SCRATCH, "dev.json")];
// The pulumi up cases start from the caches as `npm ci` leaves them: none (it removes node_modules).
// The project's own caches are set aside meanwhile, so that the other cases find them as a second
// `npm start` does.
const CACHE = path.join(ROOT, "node_modules", ".cache");
const ASIDE = path.join(ROOT, "node_modules", ".cache-bench-aside");
const setCachesAside = () => {
  fs.rmSync(ASIDE, { recursive: true, force: true }); // left by a benchmark that was stopped
  if (fs.existsSync(CACHE)) fs.renameSync(CACHE, ASIDE);
};
const restoreCaches = () => {
  fs.rmSync(CACHE, { recursive: true, force: true });
  if (fs.existsSync(ASIDE)) fs.renameSync(ASIDE, CACHE);
};
const pulumiUp = (label: string, prepare: () => void): Case => ({
  label,
  args: [...launch.nodeArgs, path.join(ROOT, "tests", "support", "run-as-pulumi.js")],
  env: launch.env,
  prepare: () => {
    setCachesAside();
    prepare();
  },
  finish: restoreCaches,
});

const CASES = {
  floor: { label: "floor: require(@pulumi/pulumi)", args: ["-e", 'require("@pulumi/pulumi")'] },
  dev: { label: "plan of dev (npm start)", args: devPlanArgs },
  many: instances(200),
  more: instances(400),
  pulumiUp: pulumiUp("pulumi up's load, CI: npm ci, plan", () => runOnce({ label: "the plan before pulumi up", args: devPlanArgs })),
  pulumiUpNoCache: pulumiUp("pulumi up's load, no cache", () => undefined),
} satisfies Record<string, Case>;

/** One run of a case: its wall time (ms) and peak RSS (MiB), read by the probe preloaded into it. */
function runOnce(c: Case): { wallMs: number; peakMiB: number } {
  c.prepare?.();
  const probe = path.join(SCRATCH, "rss");
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["-r", path.join(__dirname, "bench", "probe.js"), ...c.args], {
    cwd: ROOT,
    // Without ACR_INFRA_CACHE: every case uses the project's own caches, which the pulumi up cases set aside.
    env: { ...process.env, ACR_INFRA_CACHE: "", ...c.env, BENCH_PROBE_FILE: probe },
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  c.finish?.();
  if (result.status !== 0) throw new Error(`${c.label} failed (exit ${result.status}): ${result.stderr}`);
  return { wallMs, peakMiB: Number(fs.readFileSync(probe, "utf8")) / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Every case, in turns, RUNS rounds; a warm-up run of each first (it fills the plan's caches, as a second `npm start` finds them). */
function measureAll(cases: Record<string, Case>): Record<string, Measurement> {
  const samples: Record<string, { wallMs: number; peakMiB: number }[]> = {};
  for (const c of Object.values(cases)) runOnce(c);
  for (let round = 0; round < RUNS; round++) {
    for (const [key, c] of Object.entries(cases)) (samples[key] ??= []).push(runOnce(c));
  }
  return Object.fromEntries(
    Object.entries(cases).map(([key, c]) => [
      key,
      { label: c.label, wallMs: median(samples[key].map((s) => s.wallMs)), peakMiB: Math.max(...samples[key].map((s) => s.peakMiB)) },
    ]),
  );
}

const resourcesIn = (count: number) =>
  (JSON.parse(fs.readFileSync(path.join(SCRATCH, `instances-${count}.json`), "utf8")) as { resources: unknown[] }).resources.length;

export function main(): Promise<number> {
  const m = measureAll(CASES);
  const [many, more] = [resourcesIn(200), resourcesIn(400)];
  const ratio = (wallMs: number) => wallMs / m.floor.wallMs;
  const lines = [
    `Benchmark, ${new Date().toISOString().slice(0, 10)}: median of ${RUNS} rounds, Node ${process.version}, ${os.cpus().length} cores`,
    "",
    `${"".padEnd(36)}${"wall".padStart(10)}${"peak RSS".padStart(12)}${"x floor".padStart(10)}`,
  ];
  for (const x of Object.values(m)) {
    lines.push(
      `${x.label.padEnd(36)}${`${x.wallMs.toFixed(0)} ms`.padStart(10)}${`${x.peakMiB.toFixed(0)} MiB`.padStart(12)}${`${ratio(x.wallMs).toFixed(2)}x`.padStart(10)}`,
    );
  }
  const verdict = (met: boolean) => (met ? "met" : "NOT met");
  const growth = (m.more.wallMs - m.floor.wallMs) / (m.many.wallMs - m.floor.wallMs);
  lines.push(
    "",
    `dev plan / floor:               ${ratio(m.dev.wallMs).toFixed(2)}x   (target <= 1.0x) ${verdict(ratio(m.dev.wallMs) <= 1.0)}`,
    `200 instances / floor:          ${ratio(m.many.wallMs).toFixed(2)}x   (target <= 5x)   ${verdict(ratio(m.many.wallMs) <= 5)}`,
    `pulumi up's load on CI / floor: ${ratio(m.pulumiUp.wallMs).toFixed(2)}x   (target <= 1.5x) ${verdict(ratio(m.pulumiUp.wallMs) <= 1.5)}`,
    `400 / 200 instances, above the floor: ${growth.toFixed(2)}x (linear: about 2x)`,
    `per resource (${many} -> ${more} resources): ${((m.more.wallMs - m.many.wallMs) / (more - many)).toFixed(2)} ms, ${(((m.more.peakMiB - m.many.peakMiB) * 1024) / (more - many)).toFixed(0)} KiB`,
  );
  if (process.env.BENCH_TESTS === "1") {
    const start = Date.now();
    const tests = spawnSync("npm", ["test"], { cwd: ROOT, stdio: "ignore" });
    const seconds = (Date.now() - start) / 1000;
    lines.push(
      `npm test (once):                ${seconds.toFixed(0)} s   (target <= 120 s) ${verdict(tests.status === 0 && seconds <= 120)}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  fs.rmSync(SCRATCH, { recursive: true, force: true });
  return Promise.resolve(0);
}
