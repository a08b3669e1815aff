/**
 * What changed since an earlier plan: two JSON plan documents (`npm run plan -- --format json`)
 * compared resource by resource and input by input, with stack outputs, policy violations and the
 * cost estimate, offline. Secrets are "[secret]" on both sides and never shown; a secret input whose
 * fingerprint differs (see secretFingerprints in testing/harness.ts) reads "[secret] → [secret] (changed)".
 */
import type { PolicyViolation } from "../../../policy/evaluate";
import { estimateCost } from "../cost";
import type { PlanDocument } from "../document";
import { cascadeReplacements } from "./cascade";
import { markBlockedByLocks } from "./locks";
import type { CostChange, OutputChange, PlanComparison, ResourceAction } from "./model";
import { resourceChanges } from "./resources";
import { isEqual } from "./values";

export type * from "./model";
export { renderComparisonText } from "./text";

/**
 * What applying `current` would change where `base` was applied: resources added, deleted, replaced
 * or updated (input by input; replacement.ts says which), outputs, policy violations, and the
 * monthly cost where both plans have an estimate. Plain JSON: it can be written out as is.
 */
export function comparePlans(base: PlanDocument, current: PlanDocument): PlanComparison {
  const resources = resourceChanges(base, current);
  cascadeReplacements(resources, new Map(current.resources.map((r) => [r.urn, r])));
  markBlockedByLocks(resources, base);
  const count = (action: ResourceAction) => resources.filter((r) => r.action === action).length;
  const cost = compareCost(base, current);
  return {
    base: { project: base.project, stack: base.stack },
    current: { project: current.project, stack: current.stack },
    summary: { add: count("add"), update: count("update"), replace: count("replace"), delete: count("delete") },
    resources,
    outputs: compareOutputs(base.outputs, current.outputs),
    policyViolations: compareViolations(base.policyViolations, current.policyViolations),
    cost,
  };
}

function compareOutputs(before: Record<string, unknown>, after: Record<string, unknown>): OutputChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.flatMap((name): OutputChange[] => {
    const had = Object.hasOwn(before, name);
    const has = Object.hasOwn(after, name);
    if (had && has) return isEqual(before[name], after[name]) ? [] : [{ name, action: "update", before: before[name], after: after[name] }];
    return has ? [{ name, action: "add", after: after[name] }] : [{ name, action: "delete", before: before[name] }];
  });
}

/** A violation is the same one while policy, resource, level and message are; any other is new. */
const violationKey = (v: PolicyViolation) => JSON.stringify([v.policy, v.urn, v.enforcement, v.message]);

function compareViolations(before: readonly PolicyViolation[], after: readonly PolicyViolation[]): PlanComparison["policyViolations"] {
  const beforeKeys = new Set(before.map(violationKey));
  const afterKeys = new Set(after.map(violationKey));
  const plain = (v: PolicyViolation): PolicyViolation => ({ policy: v.policy, enforcement: v.enforcement, urn: v.urn, message: v.message });
  return {
    added: after.filter((v) => !beforeKeys.has(violationKey(v))).map(plain),
    resolved: before.filter((v) => !afterKeys.has(violationKey(v))).map(plain),
    mandatory: after.filter((v) => v.enforcement === "mandatory").map(plain),
  };
}

/**
 * Both sides priced with this checkout's table (tools/plan/prices.json): a change of prices in the
 * same branch is not reported as a change of resources, and a base plan written before plans
 * carried a cost still gets one.
 */
function compareCost(base: PlanDocument, current: PlanDocument): CostChange {
  const before = estimateCost(base.resources);
  const after = estimateCost(current.resources);
  return {
    currency: after.currency,
    before: before.monthly,
    after: after.monthly,
    delta: Math.round((after.monthly - before.monthly) * 100) / 100,
    label: "estimate",
    asOf: after.asOf,
  };
}
