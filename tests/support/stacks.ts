import * as path from "path";
import { ProgramRun, PlannedResource, readStackFile } from "../../testing";
import { runProgram } from "../../testing/harness";
import { ROOT } from "./constants";

export { ROOT, T } from "./constants";

/** Runs the project's stack program (index.ts, loaded afresh) with the config of Pulumi.<stack>.yaml. */
export async function runStack(stack: string, extraConfig: Record<string, unknown> = {}): Promise<ProgramRun> {
  const { config, secretKeys } = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  return runProgram({ stack, config: { ...config, ...extraConfig }, secretConfigKeys: secretKeys, program: path.join(ROOT, "index.ts") });
}

/** The one resource of a type (fails the test when there is not exactly one). */
export function single(run: ProgramRun, type: string): PlannedResource {
  const found = run.resources.filter((r) => r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

export function ofType(run: ProgramRun, type: string): PlannedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export { registrySettings } from "../../testing/plan";
