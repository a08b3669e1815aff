import { PolicyViolation, evaluatePolicies } from "../policy/evaluate";
import { PlannedResource, ProgramRun, RunOptions, runProgram } from "./harness";

export interface CheckedRun extends ProgramRun {
  /** The security policies' verdicts, at production levels when `production` was asked for. */
  policyViolations: PolicyViolation[];
  /** The resources of one type token, e.g. `azure-native:containerregistry:Registry`. */
  ofType(type: string): PlannedResource[];
}

/**
 * Runs a program under the Azure mocks and checks it against the registry security policies: the
 * offline plan as a function, for a team's own unit tests.
 *
 *     const run = await planProgram({ program: () => require("../index"), stack: "prod", production: true });
 *     expect(run.policyViolations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
 */
export async function planProgram(options: RunOptions & { production?: boolean }): Promise<CheckedRun> {
  const run = await runProgram(options);
  const policyViolations = await evaluatePolicies(run.resources, { production: options.production ?? false, outputs: run.outputs });
  return { ...run, policyViolations, ofType: (type) => run.resources.filter((r) => r.type === type) };
}
