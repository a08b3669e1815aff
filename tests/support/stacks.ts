import * as path from "path";
import { ProgramRun, PlannedResource, readStackFile } from "../../testing";
import { runProgram } from "../../testing/harness";

export const ROOT = path.resolve(__dirname, "..", "..");

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

export const T = {
  stack: "pulumi:pulumi:Stack",
  component: "acr-infra:index:ContainerRegistry",
  resourceGroup: "azure-native:resources:ResourceGroup",
  registry: "azure-native:resources:Resource",
  storageAccount: "azure-native:storage:StorageAccount",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  lifecyclePolicy: "azure-native:storage:ManagementPolicy",
  application: "azuread:index/application:Application",
  servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
  password: "azuread:index/applicationPassword:ApplicationPassword",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  task: "azure-native:containerregistry:Task",
  randomString: "random:index/randomString:RandomString",
  federatedCredential: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
  replication: "azure-native:containerregistry:Replication",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  lock: "azure-native:authorization:ManagementLockByScope",
  userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  webhook: "azure-native:containerregistry:Webhook",
  scopeMap: "azure-native:containerregistry:ScopeMap",
  token: "azure-native:containerregistry:Token",
} as const;
