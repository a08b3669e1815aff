import { PolicyViolation, evaluatePolicies } from "../policy/evaluate";
import { REGISTRY_API, isRegistryResource } from "../components/azure-facts";
import { PlannedResource, ProgramRun, RunOptions, runProgram } from "./harness";

/**
 * A registry's settings as one object, however it was declared: the component's generic resource
 * (at REGISTRY_API.version, ARM settings under `properties`) has them lifted beside its own inputs
 * (sku, location, tags), so that `adminUserEnabled` or `policies` read as on azure-native's typed Registry.
 */
export function registrySettings(resource: PlannedResource): Record<string, unknown> {
  const properties = resource.type === REGISTRY_API.token ? (resource.inputs.properties as Record<string, unknown> | undefined) : undefined;
  return { ...resource.inputs, ...properties };
}

export interface CheckedRun extends ProgramRun {
  /** The security policies' verdicts, at production levels when `production` was asked for. */
  policyViolations: PolicyViolation[];
  /** The resources of one type token, e.g. `azure-native:containerregistry:Registry`. */
  ofType(type: string): PlannedResource[];
  /** Every container registry, with its settings in one object (see `registrySettings`). */
  registries(): (PlannedResource & { settings: Record<string, unknown> })[];
}

export interface PlanOptions extends RunOptions {
  /** Check at production levels: the production-only policies are mandatory. */
  production?: boolean;
}

/**
 * Runs a program under the Azure mocks and checks it against the registry security policies: the
 * offline plan as a function, for a team's own unit tests. Call it as often as a test needs: each
 * call loads the program afresh (given as a file) and returns its whole plan.
 *
 *     const run = await planProgram({ program: path.join(__dirname, "..", "index.ts"), stack: "prod", production: true });
 *     expect(run.registries()[0].settings.sku).toEqual({ name: "Premium" });
 *     expect(run.policyViolations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
 */
export async function planProgram(options: PlanOptions): Promise<CheckedRun> {
  const run = await runProgram(options);
  const policyViolations = await evaluatePolicies(run.resources, { production: options.production ?? false, outputs: run.outputs });
  return {
    ...run,
    policyViolations,
    ofType: (type) => run.resources.filter((r) => r.type === type),
    registries: () =>
      run.resources.filter((r) => isRegistryResource(r.type, r.inputs)).map((r) => ({ ...r, settings: registrySettings(r) })),
  };
}
