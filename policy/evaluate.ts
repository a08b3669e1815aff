import { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PlannedResource } from "../testing/harness";
import { AcrPolicy, policies as allPolicies } from "./rules";

export interface PolicyViolation {
  policy: string;
  enforcement: "mandatory" | "advisory";
  /** The resource the violation is about. */
  urn: string;
  message: string;
}

/** A violation as the plan prints it: its level (unless left out), the policy, the resource's name and the message. */
export function violationLine(v: PolicyViolation, withLevel = true): string {
  return `${withLevel ? `${v.enforcement.padEnd(9)} ` : ""}${v.policy}  ${v.urn.split("::").pop()}: ${v.message}`;
}

export interface EvaluateOptions {
  /** Production stacks get each policy's productionEnforcementLevel. */
  production: boolean;
  /** The stack's outputs (secrets masked): the props of the stack resource (pulumi:pulumi:Stack), as the engine has them. */
  outputs?: Record<string, unknown>;
  policies?: readonly AcrPolicy[];
}

/** The root resource of every stack; its props are the stack's outputs. */
const STACK_TYPE = "pulumi:pulumi:Stack";

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** The type token a resource class declares (what `validateResourceOfType` compares). */
function typeOf(resourceClass: unknown): string | undefined {
  return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

/**
 * Runs the policies over the resources of a planned stack, the way `pulumi preview --policy-pack`
 * would hand them each resource (and the whole stack), and collects the violations. Disabled
 * policies are skipped; a policy that reports "not applicable" reports nothing.
 */
export async function evaluatePolicies(resources: readonly PlannedResource[], options: EvaluateOptions): Promise<PolicyViolation[]> {
  const violations: PolicyViolation[] = [];
  const graph = policyResources(resources, options);
  for (const policy of options.policies ?? allPolicies) {
    const level: EnforcementLevel = options.production ? policy.productionEnforcementLevel : policy.enforcementLevel;
    if (level === "disabled") continue;
    const enforcement = level === "advisory" ? "advisory" : "mandatory";
    const reporter =
      (urn: string): ReportViolation =>
      (message, reportedUrn) => {
        violations.push({ policy: policy.name, enforcement, urn: reportedUrn ?? urn, message });
      };
    try {
      if ("validateResource" in policy && policy.validateResource) {
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const resource of graph) {
          for (const validate of validations) {
            const args: ResourceValidationArgs = {
              type: resource.type,
              props: resource.props,
              urn: resource.urn,
              name: resource.name,
              opts: resource.opts,
              isType: (resourceClass) => typeOf(resourceClass) === resource.type,
              asType: (resourceClass) => (typeOf(resourceClass) === resource.type ? resource.props : undefined) as never,
              stackTags: new Map(),
              getConfig: <T extends object>() => ({}) as T,
              notApplicable,
            };
            await runIgnoringNotApplicable(() => validate(args, reporter(resource.urn)));
          }
        }
      }
      if ("validateStack" in policy && policy.validateStack) {
        const args: StackValidationArgs = {
          resources: graph,
          stackTags: new Map(),
          getConfig: <T extends object>() => ({}) as T,
          notApplicable,
        };
        const stack = graph.find((r) => r.type === STACK_TYPE);
        await runIgnoringNotApplicable(() => policy.validateStack(args, reporter(stack?.urn ?? "")));
      }
    } catch (error) {
      throw new Error(`policy ${policy.name} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return violations;
}

async function runIgnoringNotApplicable(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

/** The planned resources as the policy SDK's PolicyResource graph (parents, dependencies), plus the stack. */
function policyResources(resources: readonly PlannedResource[], options: EvaluateOptions): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) {
    byUrn.set(r.urn, {
      type: r.type,
      props: { ...r.inputs },
      urn: r.urn,
      name: r.name,
      opts: {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs,
        parent: r.parent ?? undefined,
      },
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => typeOf(resourceClass) === r.type,
      asType: (resourceClass) => (typeOf(resourceClass) === r.type ? r.inputs : undefined) as never,
    });
  }
  for (const r of resources) {
    const node = byUrn.get(r.urn)!;
    node.parent = r.parent ? byUrn.get(r.parent) : undefined;
    node.dependencies = r.dependsOn.map((urn) => byUrn.get(urn)).filter((d): d is PolicyResource => d !== undefined);
    node.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([key, urns]) => [
        key,
        urns.map((urn) => byUrn.get(urn)).filter((d): d is PolicyResource => d !== undefined),
      ]),
    );
  }
  const graph = [...byUrn.values()];
  const stack = graph.find((r) => r.type === STACK_TYPE);
  if (stack && options.outputs) stack.props = options.outputs;
  return graph;
}
