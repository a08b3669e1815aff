/**
 * `npm run bench`: what the offline plan costs, side by side in one run.
 *
 * - floor: `node -e 'require("@pulumi/pulumi")'`, the least any Pulumi program costs;
 * - the dev plan (`npm start`, JSON to /dev/null);
 * - a stack of 1 and of 25 component instances.
 *
 * Each is a fresh process, run several times; the median wall time and the peak memory are shown,
 * with the ratios the project targets: dev plan <= 1.5x the floor, 25 instances <= 3x one.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? "5");

interface Measurement {
  label: string;
  wallMs: number;
  peakMiB: number;
}

function measure(label: string, args: string[], env: Record<string, string> = {}): Measurement {
  const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "acr-bench-")), "rss");
  const walls: number[] = [];
  let peak = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["-r", path.join(__dirname, "bench", "probe.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_PROBE_FILE: probe },
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
    });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}): ${result.stderr}`);
    peak = Math.max(peak, Number(fs.readFileSync(probe, "utf8")) / 1024);
  }
  walls.sort((a, b) => a - b);
  return { label, wallMs: walls[Math.floor(walls.length / 2)], peakMiB: peak };
}

export function main(): Promise<number> {
  const run = path.join(ROOT, "tools", "run.js");
  const instances = (count: number) =>
    measure(
      `plan, ${count} instance${count === 1 ? "" : "s"}`,
      [
        run,
        "plan",
        "--program",
        "tools/bench/instances.ts",
        "--config",
        "tools/bench/Pulumi.bench.yaml",
        "--stack",
        "bench",
        "--format",
        "json",
      ],
      {
        BENCH_INSTANCES: String(count),
      },
    );
  const floor = measure("floor: require(@pulumi/pulumi)", ["-e", 'require("@pulumi/pulumi")']);
  const dev = measure("plan of dev (npm start)", [run, "plan", "--format", "json"]);
  const one = instances(1);
  const many = instances(25);

  const lines = [`Offline plan benchmark: median of ${RUNS} runs each, Node ${process.version}, ${os.cpus().length} cores`, ""];
  lines.push(`${"".padEnd(34)}${"wall".padStart(10)}${"peak RSS".padStart(12)}`);
  for (const m of [floor, dev, one, many])
    lines.push(`${m.label.padEnd(34)}${`${m.wallMs.toFixed(0)} ms`.padStart(10)}${`${m.peakMiB.toFixed(0)} MiB`.padStart(12)}`);
  const devRatio = dev.wallMs / floor.wallMs;
  const scaleRatio = many.wallMs / one.wallMs;
  lines.push("");
  lines.push(`dev plan / floor:         ${devRatio.toFixed(2)}x   (target <= 1.5x) ${devRatio <= 1.5 ? "met" : "NOT met"}`);
  lines.push(`25 instances / 1:         ${scaleRatio.toFixed(2)}x   (target <= 3x)   ${scaleRatio <= 3 ? "met" : "NOT met"}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return Promise.resolve(0);
}
