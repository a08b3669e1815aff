// The stack program: stack config -> ContainerRegistry component -> stack outputs.
import { containerRegistryFromConfig } from "./components/config";

const acr = containerRegistryFromConfig("acr");

const outputs = {
  resourceGroupName: acr.resourceGroupName,
  registryName: acr.registryName,
  registryId: acr.registryId,
  loginServer: acr.loginServer,
  storageAccountName: acr.storageAccountName,
  tenantId: acr.tenantId,
  // The rest exist only when the setting that makes them is on.
  adminUsername: acr.adminUsername,
  adminPassword: acr.adminPassword,
  servicePrincipalClientId: acr.servicePrincipalClientId,
  servicePrincipalObjectId: acr.servicePrincipalObjectId,
  servicePrincipalClientSecret: acr.servicePrincipalClientSecret,
  servicePrincipalClientSecretExpiresAt: acr.servicePrincipalClientSecretExpiresAt,
  servicePrincipalClientSecretRenewsAt: acr.servicePrincipalClientSecretRenewsAt,
  pullIdentityId: acr.pullIdentityId,
  pullIdentityClientId: acr.pullIdentityClientId,
  pullIdentityPrincipalId: acr.pullIdentityPrincipalId,
};

// Outputs the settings do not produce are left out: exported as undefined, Pulumi would warn about
// each one on every run ("Undefined value (<key>) will not show as a stack output", @pulumi/pulumi
// 3.276.0 runtime/stack.js).
export = Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
