/**
 * A stack's plan, made: its program run under the mock engine with its stack file's settings, and
 * the policy verdicts at the stack's levels. What the renderers and the JSON document read.
 */
import type { PolicyViolation } from "../../policy/evaluate";
import { ProgramRun } from "../../testing/harness";
import { planProgram } from "../../testing/plan";
import { readStackFile } from "../../testing/stack-config";

export interface Plan {
  run: ProgramRun;
  production: boolean;
  violations: PolicyViolation[];
  programFile: string;
  configFile: string;
  /** The stack file's settings by full key, as read (encrypted ones as placeholders). */
  config: Record<string, unknown>;
}

/** Which stack to plan, from which files. */
export interface PlanInput {
  stack: string;
  configFile: string;
  programFile: string;
  /** The folder of the program's Pulumi.yaml, which names the project. */
  projectDir: string;
}

const PRODUCTION_NAMES = new Set(["prod", "production"]);

/**
 * A stack is production when its name says so (prod, production, prod-*) or its config tags it
 * `environment: prod|production`; production-only policies are mandatory there.
 */
function isProduction(stack: string, config: Record<string, unknown>): boolean {
  const tags = config["acr-infra:tags"] as Record<string, unknown> | undefined;
  const environment = typeof tags?.environment === "string" ? tags.environment.toLowerCase() : "";
  return PRODUCTION_NAMES.has(stack.toLowerCase().split(/[-_.]/)[0]) || PRODUCTION_NAMES.has(environment);
}

/** Makes the plan of one stack. Throws ValidationError for bad input or config. */
export async function makePlan(request: PlanInput): Promise<Plan> {
  const { config, secretKeys } = readStackFile(request.configFile);
  const production = isProduction(request.stack, config);
  const { policyViolations, ...run } = await planProgram({
    projectDir: request.projectDir,
    stack: request.stack,
    config,
    secretConfigKeys: secretKeys,
    production,
    program: request.programFile,
  });
  return { run, production, violations: policyViolations, programFile: request.programFile, configFile: request.configFile, config };
}
