// The stack program: stack config -> ContainerRegistry component -> stack outputs.
import { containerRegistryFromConfig } from "./components/config";

const acr = containerRegistryFromConfig("acr");

export const resourceGroupName = acr.resourceGroupName;
export const registryName = acr.registryName;
export const registryId = acr.registryId;
export const loginServer = acr.loginServer;
export const storageAccountName = acr.storageAccountName;
export const tenantId = acr.tenantId;
// The rest exist only when the setting that makes them is on; an undefined export is no stack output.
export const adminUsername = acr.adminUsername;
export const adminPassword = acr.adminPassword;
export const servicePrincipalClientId = acr.servicePrincipalClientId;
export const servicePrincipalObjectId = acr.servicePrincipalObjectId;
export const servicePrincipalClientSecret = acr.servicePrincipalClientSecret;
export const pullIdentityId = acr.pullIdentityId;
export const pullIdentityClientId = acr.pullIdentityClientId;
export const pullIdentityPrincipalId = acr.pullIdentityPrincipalId;
export const tokenPasswords = acr.tokenPasswords;
