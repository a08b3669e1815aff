// What tests share that needs nothing loaded: the repository's root and the resource type tokens.
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");

/** Resource type tokens, as the engine receives them. */
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
  credentialSet: "azure-native:containerregistry:CredentialSet",
  cacheRule: "azure-native:containerregistry:CacheRule",
} as const;
