import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { GENERIC_RESOURCE_TOKEN, genericResourceType, isGenericRegistry } from "../components/azure-facts";

/**
 * Realistic Azure answers for the Pulumi SDK's mock engine: ARM-style ids, names, login servers,
 * client and object ids, role definitions from the client config, credentials. Every value is
 * derived from the resource's type and name, so the same program gets the same answers on every run.
 *
 * Used by this project's tests and offline plan, and exported (`acr-infra/testing`) for teams that
 * unit-test their own stacks that use the component.
 */

/** Every secret value the mocks hand out starts with this, so a test can prove none leaked. */
export const MOCK_SECRET_PREFIX = "mock-secret-";

/** A GUID derived from a seed: stable, and different for different seeds. */
export function mockGuid(seed: string): string {
  const h = crypto.createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const MOCK_SUBSCRIPTION_ID = mockGuid("subscription");
export const MOCK_TENANT_ID = mockGuid("tenant");
/** The identity that runs the deployment (the client config's client and object id). */
export const MOCK_DEPLOYER = { clientId: mockGuid("deployer-client"), objectId: mockGuid("deployer-object") };
/** The creation time the mocks give a registry. */
export const MOCK_CREATION_DATE = "2026-01-01T00:00:00Z";

function mockSecret(seed: string): string {
  return `${MOCK_SECRET_PREFIX}${crypto.createHash("sha256").update(seed).digest("base64url").slice(0, 24)}`;
}

/** The value the mocks give an application password declared under this logical name. */
export function mockPasswordValue(logicalName: string): string {
  return mockSecret(`password:${logicalName}`);
}

/** A lower-case letters-and-digits string of a given length, as @pulumi/random would make. */
function mockRandomString(seed: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.createHash("sha256").update(seed).digest();
  return Array.from({ length }, (_, i) => alphabet[bytes[i % bytes.length] % alphabet.length]).join("");
}

/** Seeds differ per stack, as random values and autonames do between real stacks. */
const stackSeed = (seed: string) => `${pulumi.getProject()}/${pulumi.getStack()}/${seed}`;

/** azure-native's autonaming: the logical name plus a random suffix. */
function autoname(name: string): string {
  return `${name}${mockRandomString(stackSeed(`autoname:${name}`), 7)}`;
}

type Inputs = Record<string, unknown>;
type State = { id: string; state: Inputs };
/** An answer for one resource type: its id and state (output properties) from its logical name and inputs. */
export type ResourceMock = (name: string, inputs: Inputs) => State;

const subscriptionScope = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const inGroup = (inputs: Inputs, provider: string, resourceName: string) =>
  `${subscriptionScope}/resourceGroups/${String(inputs.resourceGroupName)}/providers/${provider}/${resourceName}`;

/**
 * An azure-native resource named by its `nameInput` (or autonamed) in a resource group, under
 * `provider` (a resource type path; for a child, made from the inputs that name its parent).
 */
function armResource(
  provider: string | ((inputs: Inputs) => string),
  nameInput: string,
  extra: (name: string, inputs: Inputs, logicalName: string) => Inputs = () => ({}),
): ResourceMock {
  return (logicalName, inputs) => {
    const name = (inputs[nameInput] as string | undefined) ?? autoname(logicalName);
    const path = typeof provider === "string" ? provider : provider(inputs);
    return { id: inGroup(inputs, path, name), state: { ...inputs, name, ...extra(name, inputs, logicalName) } };
  };
}

/** A child of a registry (task, replica, webhook, scope map, token). */
const registryChild = (collection: string, nameInput: string, extra?: (name: string, inputs: Inputs, logicalName: string) => Inputs) =>
  armResource((inputs) => `Microsoft.ContainerRegistry/registries/${String(inputs.registryName)}/${collection}`, nameInput, extra);

const RESOURCE_MOCKS: Record<string, ResourceMock> = {
  "azure-native:resources:ResourceGroup": (logicalName, inputs) => {
    const name = (inputs.resourceGroupName as string | undefined) ?? autoname(logicalName);
    return { id: `${subscriptionScope}/resourceGroups/${name}`, state: { ...inputs, name } };
  },
  // azure-native's generic resource: the ARM id from its path parts; a registry gets the computed
  // properties Azure returns (loginServer and the rest), under `properties` as the provider gives them.
  [GENERIC_RESOURCE_TOKEN]: (logicalName, inputs) => {
    const name = (inputs.resourceName as string | undefined) ?? autoname(logicalName);
    const type = genericResourceType(inputs);
    const isRegistry = isGenericRegistry(GENERIC_RESOURCE_TOKEN, inputs);
    const properties = {
      ...((inputs.properties ?? {}) as Inputs),
      ...(isRegistry
        ? { loginServer: `${name.toLowerCase()}.azurecr.io`, provisioningState: "Succeeded", creationDate: MOCK_CREATION_DATE }
        : {}),
    };
    // As azure-native returns them: the provider's own metadata version (not the one sent), and
    // user-assigned identities as ARM's map of ids.
    const identity = inputs.identity as { type?: string; userAssignedIdentities?: string[] } | undefined;
    const identityOutput = identity && {
      ...identity,
      ...(identity.userAssignedIdentities
        ? { userAssignedIdentities: Object.fromEntries(identity.userAssignedIdentities.map((id) => [id, {}])) }
        : {}),
    };
    return {
      id: inGroup(inputs, type, name),
      state: { ...inputs, name, type, azureApiVersion: "2024-03-01", properties, ...(identityOutput ? { identity: identityOutput } : {}) },
    };
  },
  "azure-native:storage:StorageAccount": armResource("Microsoft.Storage/storageAccounts", "accountName", (name) => ({
    primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` },
  })),
  "azure-native:storage:ManagementPolicy": (_, inputs) => ({
    id: inGroup(inputs, "Microsoft.Storage/storageAccounts", `${String(inputs.accountName)}/managementPolicies/default`),
    state: { ...inputs, name: "DefaultManagementPolicy" },
  }),
  "azure-native:monitor:DiagnosticSetting": (logicalName, inputs) => {
    const name = (inputs.name as string | undefined) ?? autoname(logicalName);
    return { id: `${String(inputs.resourceUri)}/providers/Microsoft.Insights/diagnosticSettings/${name}`, state: { ...inputs, name } };
  },
  "azure-native:authorization:RoleAssignment": (logicalName, inputs) => {
    const name = (inputs.roleAssignmentName as string | undefined) ?? mockGuid(logicalName);
    return { id: `${String(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${name}`, state: { ...inputs, name } };
  },
  "azure-native:containerregistry:Task": registryChild("tasks", "taskName"),
  "azure-native:containerregistry:Replication": registryChild("replications", "replicationName"),
  "azure-native:containerregistry:Webhook": registryChild("webhooks", "webhookName"),
  "azure-native:containerregistry:ScopeMap": registryChild("scopeMaps", "scopeMapName"),
  "azure-native:containerregistry:Token": registryChild("tokens", "tokenName"),
  "azure-native:containerregistry:CacheRule": registryChild("cacheRules", "cacheRuleName"),
  // Azure answers with the system-assigned identity's principal (CredentialSetCreate.json, 2025-11-01).
  "azure-native:containerregistry:CredentialSet": registryChild("credentialSets", "credentialSetName", (name, inputs) => ({
    identity: { ...(inputs.identity as Inputs), principalId: mockGuid(`credential-set-principal:${name}`), tenantId: MOCK_TENANT_ID },
  })),
  "azure-native:network:PrivateEndpoint": armResource("Microsoft.Network/privateEndpoints", "privateEndpointName"),
  "azure-native:network:PrivateDnsZoneGroup": armResource(
    (inputs) => `Microsoft.Network/privateEndpoints/${String(inputs.privateEndpointName)}/privateDnsZoneGroups`,
    "privateDnsZoneGroupName",
  ),
  "azure-native:managedidentity:UserAssignedIdentity": armResource(
    "Microsoft.ManagedIdentity/userAssignedIdentities",
    "resourceName",
    (name) => ({
      clientId: mockGuid(`identity-client:${name}`),
      principalId: mockGuid(`identity-principal:${name}`),
      tenantId: MOCK_TENANT_ID,
    }),
  ),
  "azure-native:authorization:ManagementLockByScope": (logicalName, inputs) => {
    const name = (inputs.lockName as string | undefined) ?? autoname(logicalName);
    return { id: `${String(inputs.scope)}/providers/Microsoft.Authorization/locks/${name}`, state: { ...inputs, name } };
  },
  "random:index/randomString:RandomString": (logicalName, inputs) => ({
    id: logicalName,
    state: { ...inputs, result: mockRandomString(stackSeed(logicalName), Number(inputs.length ?? 8)) },
  }),
  "random:index/randomUuid:RandomUuid": (logicalName, inputs) => {
    const result = mockGuid(logicalName);
    return { id: result, state: { ...inputs, result } };
  },
  "azuread:index/application:Application": (logicalName, inputs) => {
    const objectId = mockGuid(`application-object:${logicalName}`);
    return { id: `/applications/${objectId}`, state: { ...inputs, objectId, clientId: mockGuid(`application-client:${logicalName}`) } };
  },
  "azuread:index/servicePrincipal:ServicePrincipal": (logicalName, inputs) => {
    const objectId = mockGuid(`service-principal:${logicalName}`);
    return { id: `/servicePrincipals/${objectId}`, state: { ...inputs, objectId, applicationTenantId: MOCK_TENANT_ID } };
  },
  "azuread:index/applicationPassword:ApplicationPassword": (logicalName, inputs) => {
    const keyId = mockGuid(`password:${logicalName}`);
    return { id: `${String(inputs.applicationId)}/password/${keyId}`, state: { ...inputs, keyId, value: mockPasswordValue(logicalName) } };
  },
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential": (logicalName, inputs) => {
    const credentialId = mockGuid(`federated:${logicalName}`);
    return { id: `${String(inputs.applicationId)}/federatedIdentityCredential/${credentialId}`, state: { ...inputs, credentialId } };
  },
};

/**
 * The outputs an acr-infra stack exports, as the mocks would make them: what a StackReference to
 * such a stack returns unless a test gives other outputs.
 */
export function mockAcrInfraStackOutputs(stackName: string): Record<string, string> {
  const stack = stackName.split("/").pop() ?? stackName;
  const registryName = `acrinfra${stack}acr${mockRandomString(`stack:${stackName}`, 8)}`.replace(/[^a-z0-9]/g, "");
  const resourceGroupName = `acr-rg${mockRandomString(`stack-rg:${stackName}`, 7)}`;
  return {
    resourceGroupName,
    registryName,
    registryId: `${subscriptionScope}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`,
    loginServer: `${registryName}.azurecr.io`,
    tenantId: MOCK_TENANT_ID,
    pullIdentityClientId: mockGuid(`stack-pull-client:${stackName}`),
    pullIdentityPrincipalId: mockGuid(`stack-pull-principal:${stackName}`),
  };
}

/** An answer for one invoke (function call): its result from its arguments. */
export type CallMock = (inputs: Inputs) => Inputs;

const CALL_MOCKS: Record<string, CallMock> = {
  "azure-native:authorization:getClientConfig": () => ({
    subscriptionId: MOCK_SUBSCRIPTION_ID,
    tenantId: MOCK_TENANT_ID,
    ...MOCK_DEPLOYER,
  }),
  "azuread:index/getClientConfig:getClientConfig": () => ({ tenantId: MOCK_TENANT_ID, ...MOCK_DEPLOYER }),
  "azure-native:containerregistry:listRegistryCredentials": (inputs) => ({
    username: inputs.registryName,
    passwords: [
      { name: "password", value: mockSecret(`admin:${String(inputs.registryName)}:1`) },
      { name: "password2", value: mockSecret(`admin:${String(inputs.registryName)}:2`) },
    ],
  }),
};

export interface AzureMocksOptions {
  /** More resource types (or other answers for these), keyed by type token. */
  resources?: Record<string, ResourceMock>;
  /** More invokes (or other answers), keyed by function token. */
  calls?: Record<string, CallMock>;
  /** Outputs of referenced stacks by name (`org/project/stack`); default: an acr-infra stack's outputs. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** Pulumi mocks that answer like Azure. Unknown invokes throw, so a new call gets a deliberate answer. */
export class AzureMocks implements pulumi.runtime.Mocks {
  private readonly resources: Record<string, ResourceMock>;
  private readonly calls: Record<string, CallMock>;

  constructor(options: AzureMocksOptions = {}) {
    const stackReference: ResourceMock = (logicalName, inputs) => {
      const name = typeof inputs.name === "string" ? inputs.name : logicalName;
      return { id: name, state: { name, outputs: options.stackOutputs?.[name] ?? mockAcrInfraStackOutputs(name), secretOutputNames: [] } };
    };
    this.resources = { ...RESOURCE_MOCKS, "pulumi:pulumi:StackReference": stackReference, ...options.resources };
    this.calls = { ...CALL_MOCKS, ...options.calls };
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Inputs } {
    const mock = this.resources[args.type];
    if (mock) return mock(args.name, args.inputs as Inputs);
    if (!args.custom) return { id: undefined, state: args.inputs as Inputs };
    // Any other Azure resource still gets an ARM-style id and a name.
    const name = autoname(args.name);
    return {
      id: `${subscriptionScope}/providers/Mock.${args.type.replace(/[:/]/g, ".")}/${name}`,
      state: { ...(args.inputs as Inputs), name },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    const mock = this.calls[args.token];
    if (!mock) throw new Error(`acr-infra Azure mocks have no answer for the invoke ${args.token}; pass one in AzureMocksOptions.calls`);
    return mock(args.inputs as Inputs);
  }
}
