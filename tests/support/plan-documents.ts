import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GENERIC_RESOURCE_TOKEN, REGISTRY_API } from "../../components/azure-facts";
import { PlanComparison, comparePlans } from "../../tools/plan/compare";
import type { PlanDocument, PlanDocumentResource } from "../../tools/plan/document";
import { ROOT } from "./constants";

/** Replaces text that must be in the stack file: a test whose edit no longer applies fails, rather than comparing a plan with itself. */
export function replaceIn(yaml: string, from: string, to: string): string {
  if (!yaml.includes(from)) throw new Error(`the stack file has no ${JSON.stringify(from)}`);
  return yaml.replace(from, to);
}

/** Runs `npm run plan -- <args>` the way a user does, in its own process, from the repository's root. */
export function runPlan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, "tools", "run.js"), "plan", ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The JSON plan of one of the project's stacks, as `npm run plan -- --stack <stack> --format json`
 * writes it (in its own process, as a user runs it), its stack file first edited by `edit`.
 */
export function planDocument(stack: "dev" | "prod", edit: (yaml: string) => string = (yaml) => yaml): PlanDocument {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-plan-document-"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, edit(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")));
  const result = runPlan("--stack", stack, "--config", file, "--format", "json");
  // 2 is a plan with a mandatory violation: still a plan.
  if (result.status !== 0 && result.status !== 2) throw new Error(`the ${stack} plan failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as PlanDocument;
}

// Hand-built documents for the rules that decide replace or update.
export function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: Partial<PlanDocumentResource> = {},
): PlanDocumentResource {
  return {
    urn: `urn:pulumi:dev::acr-infra::${type}::${name}`,
    type,
    name,
    parent: null,
    custom: true,
    protect: false,
    dependsOn: [],
    inputs,
    ...options,
  };
}

export function documentOf(resources: PlanDocumentResource[], options: Partial<PlanDocument> = {}): PlanDocument {
  return { project: "acr-infra", stack: "dev", resources, outputs: {}, policyViolations: [], ...options };
}

/** The one changed resource between two versions of one resource. */
export function change(before: PlanDocumentResource, after: PlanDocumentResource): PlanComparison["resources"][number] {
  const { resources } = comparePlans(documentOf([before]), documentOf([after]));
  expect(resources).toHaveLength(1);
  return resources[0];
}

export const GENERIC = GENERIC_RESOURCE_TOKEN;
export const registryInputs = {
  apiVersion: REGISTRY_API.version,
  location: "westeurope",
  parentResourcePath: "",
  resourceGroupName: "rg",
  resourceName: "acrone",
  resourceProviderNamespace: "Microsoft.ContainerRegistry",
  resourceType: "registries",
  sku: { name: "Premium" },
  properties: { policies: { exportPolicy: { status: "enabled" } }, encryption: { status: "disabled" } },
};
