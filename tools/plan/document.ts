/** The plan as data: the JSON document `--format json` writes and `--compare` reads. */
import type { PolicyViolation } from "../../policy/evaluate";
import { CostEstimate, PlanResource, estimateCost } from "./cost";
import type { Plan } from "./make";

/** One resource of the JSON contract (see planDocument). */
export interface PlanDocumentResource extends PlanResource {
  parent: string | null;
  custom: boolean;
  protect: boolean;
  dependsOn: string[];
  /** Input paths whose change replaces the resource (the resource option); absent from older documents. */
  replaceOnChanges?: string[];
  /** Input paths the engine never updates (the resource option); absent from older documents. */
  ignoreChanges?: string[];
  /** Deleted before its replacement is made (the resource option); absent from older documents. */
  deleteBeforeReplace?: boolean;
  /** For each input, the URNs its value comes from; absent from older documents. */
  propertyDependencies?: Record<string, string[]>;
  /** A fingerprint of each secret input by path, never the secret; absent from older documents. */
  secretFingerprints?: Record<string, string>;
}

/** A plan as `npm run plan -- --format json` writes it; `cost` where the plan carries an estimate. */
export interface PlanDocument {
  project: string;
  stack: string;
  resources: PlanDocumentResource[];
  outputs: Record<string, unknown>;
  policyViolations: PolicyViolation[];
  cost?: CostEstimate;
}

/**
 * The JSON contract: project, stack, resources (with the input paths whose change replaces each),
 * outputs, policyViolations and the cost estimate. A saved one is what `--compare` reads.
 */
export function planDocument(plan: Plan): PlanDocument {
  const { run, violations } = plan;
  return {
    project: run.project,
    stack: run.stack,
    resources: run.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      custom: r.custom,
      protect: r.protect,
      dependsOn: r.dependsOn,
      inputs: r.inputs,
      replaceOnChanges: r.replaceOnChanges,
      ignoreChanges: r.ignoreChanges,
      deleteBeforeReplace: r.deleteBeforeReplace,
      propertyDependencies: r.propertyDependencies,
      secretFingerprints: r.secretFingerprints,
    })),
    outputs: run.outputs,
    policyViolations: violations.map((v) => ({ policy: v.policy, enforcement: v.enforcement, urn: v.urn, message: v.message })),
    cost: estimateCost(run.resources),
  };
}
