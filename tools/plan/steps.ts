/**
 * What remains to be done by hand before (or right after) a stack is deployed, read from what the
 * plan declares and from the stack file: things the stack uses but does not create, placeholders
 * still in the file, one-time grants. Shown apart from the policy verdicts, which judge what the
 * stack declares; these say what it cannot do for you.
 */
import {
  KEY_VAULT_SECRETS_USER,
  REGISTRY_PRIVATE_DNS_ZONE,
  isRegistryResource,
  vaultOfKeyVaultId,
  vaultOfSecretUri,
} from "../../components/azure-facts";
import type { PlannedResource } from "../../testing/harness";
import { registrySettings } from "../../testing/plan";

/** Values the example stack files carry for the user to replace. */
const PLACEHOLDERS: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /00000000-0000-0000-0000-000000000000/, what: "the all-zero subscription id" },
  { pattern: /\bexample-org\b/, what: "the example GitHub organisation" },
];

/** The Azure name an input gives a resource, or its Pulumi name when the input is not a plain string. */
const nameOf = (resource: PlannedResource, input: string): string =>
  typeof resource.inputs[input] === "string" ? resource.inputs[input] : resource.name;

const ofType = (resources: readonly PlannedResource[], type: string) => resources.filter((r) => r.type === type);

/** The manual steps for a planned stack, each one line. */
export function manualSteps(resources: readonly PlannedResource[], config: Record<string, unknown>): string[] {
  const steps: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const text = JSON.stringify(value);
    for (const { pattern, what } of PLACEHOLDERS) {
      if (pattern.test(text)) steps.push(`Replace ${what} in ${key} with your own: it is a placeholder.`);
    }
  }

  const endpoints = ofType(resources, "azure-native:network:PrivateEndpoint");
  const zoneGroups = ofType(resources, "azure-native:network:PrivateDnsZoneGroup");
  if (endpoints.length > 0) {
    steps.push(
      zoneGroups.length > 0
        ? `Link the ${REGISTRY_PRIVATE_DNS_ZONE} private DNS zone to every virtual network whose machines pull or push: the stack registers the endpoints in it but does not create or link it.`
        : `Add the registry's ${REGISTRY_PRIVATE_DNS_ZONE} DNS records where your DNS is managed: no zone was given, so the stack registers none.`,
    );
  }

  for (const registry of resources.filter((r) => isRegistryResource(r.type, r.inputs))) {
    const settings = registrySettings(registry);
    if (settings.publicNetworkAccess === "Disabled") {
      steps.push(
        "Push from inside the network: public access is Disabled, so CI needs a self-hosted runner in the virtual network or GitHub-hosted runners with Azure private networking.",
      );
    }
    if (settings.networkRuleBypassAllowedForTasks === true) {
      const tasks = ofType(resources, "azure-native:containerregistry:Task").map((t) => nameOf(t, "taskName"));
      steps.push(
        `After the first scheduled purge, read each purge task's log (az acr task logs --registry <name> --name <task>; tasks: ${tasks.join(", ") || "purge-0"}): the tasks run behind network rules.`,
      );
    }
    const encryption = settings.encryption as { status?: string } | undefined;
    if (encryption?.status === "enabled") {
      steps.push(
        "Before deploying, give the customer-managed key's identity the Key Vault Crypto Service Encryption User role on the key: the registry cannot be created without it.",
      );
    }
  }

  if (ofType(resources, "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential").length > 0) {
    steps.push(
      "In the app repository: set ACR_CLIENT_ID, ACR_TENANT_ID and ACR_NAME from the stack outputs and ACR_SUBSCRIPTION_ID from registryId (/subscriptions/<id>/...), and create the GitHub environment or branch the federated credential names.",
    );
  }
  if (ofType(resources, "azuread:index/applicationPassword:ApplicationPassword").length > 0) {
    steps.push(
      "Store servicePrincipalClientSecret in CI's secrets, deploy at least every rotationDays, and copy the newer servicePrincipalClientSecret into CI before servicePrincipalClientSecretExpiresAt of the one CI holds: the secret rotates.",
    );
  }
  steps.push(...credentialSetSteps(resources));
  const tokens = ofType(resources, "azure-native:containerregistry:Token").map((t) => nameOf(t, "tokenName"));
  if (tokens.length > 0) {
    steps.push(
      `Each token's owner generates its password (az acr token credential generate --registry <name> --name <token>) for ${tokens.join(", ")}: the deployment creates none.`,
    );
  }
  // Role assignments need Microsoft.Authorization/roleAssignments/write; locks need Microsoft.Authorization/locks/*:
  // "Of the built-in roles, only Owner and User Access Administrator are granted those actions" (ARM REST
  // reference, Management Locks - Create Or Update, Microsoft.Authorization 2016-09-01), so not Role
  // Based Access Control Administrator.
  const lockResources = ofType(resources, "azure-native:authorization:ManagementLockByScope");
  const locks = lockResources.length > 0;
  const readOnly = lockResources.some((lock) => lock.inputs.level === "ReadOnly");
  const roleAssignments = ofType(resources, "azure-native:authorization:RoleAssignment").length > 0;
  if (locks) {
    steps.push(
      `The identity that deploys needs Owner or User Access Administrator to create the ${readOnly ? "locks" : "delete locks"}${roleAssignments ? " and role assignments" : ""} (one-time grant).`,
    );
  } else if (roleAssignments) {
    steps.push(
      "The identity that deploys needs Owner, User Access Administrator or Role Based Access Control Administrator to create the role assignments (one-time grant).",
    );
  }
  if (readOnly) {
    // Azure Resource Manager docs, "Lock your resources": ReadOnly refuses updates and POST actions;
    // locks apply to the control plane only (the registry's own page: not to data in repositories).
    steps.push(
      'With lock: "ReadOnly", every later change to the registry or what is beneath it (settings, replicas, webhooks, tokens, role assignments, diagnostic settings), az acr import and az acr credential need lock: true (CanNotDelete) in an update of its own first; pushes and pulls are not affected.',
    );
  }
  if (ofType(resources, "azuread:index/application:Application").length > 0) {
    steps.push(
      "The identity that deploys needs Application Administrator, or Application.ReadWrite.OwnedBy with admin consent, in Entra ID (one-time grant).",
    );
  }
  return steps;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** The vault a Key Vault secret URI points at, lower case, as the component checked it. */
const vaultOf = (uri: unknown) => vaultOfSecretUri(text(uri));

/**
 * Each credential set reads its secrets with its system-assigned identity, which needs Key Vault
 * Secrets User on the vault (artifact-cache-cli.md); the component grants it only where keyVaultId
 * names the vault. What is left is one step per credential set and vault, with the command.
 */
function credentialSetSteps(resources: readonly PlannedResource[]): string[] {
  // Each grant is for one credential set's identity (its principalId comes from that set): a grant on
  // a vault does not cover another set that reads the same vault.
  const grants = ofType(resources, "azure-native:authorization:RoleAssignment")
    .filter((r) => text(r.inputs.roleDefinitionId).endsWith(`/${KEY_VAULT_SECRETS_USER.id}`))
    .map((r) => ({
      vault: vaultOfKeyVaultId(text(r.inputs.scope)),
      sets: r.propertyDependencies.principalId ?? [],
    }));
  const granted = new Set(grants.map((grant) => grant.vault));
  const steps: string[] = [];
  const sets = ofType(resources, "azure-native:containerregistry:CredentialSet");
  for (const set of sets) {
    const credentials = (set.inputs.authCredentials as Array<Record<string, unknown>> | undefined) ?? [];
    const vaults = [...new Set(credentials.flatMap((c) => [vaultOf(c.usernameSecretIdentifier), vaultOf(c.passwordSecretIdentifier)]))];
    const grantedToSet = (vault: string) => grants.some((grant) => grant.vault === vault && grant.sets.includes(set.urn));
    for (const vault of vaults.filter((v) => v && !grantedToSet(v))) {
      const name = nameOf(set, "credentialSetName");
      steps.push(
        `Grant credential set ${name}'s identity ${KEY_VAULT_SECRETS_USER.name} on key vault ${vault} (az role assignment create --role "${KEY_VAULT_SECRETS_USER.name}" --assignee $(az acr credential-set show --registry <name> --name ${name} --query identity.principalId -o tsv) --scope <the vault's id>), or the get secret permission in an access policy if the vault uses access policies: until then the cache cannot sign in upstream. keyVaultId on the credential set makes the deployment grant it.`,
      );
    }
  }
  const grantedVaults = [...granted].filter((v): v is string => Boolean(v));
  if (grantedVaults.length > 0) {
    steps.push(
      `The identity that deploys needs to create role assignments on key vault ${grantedVaults.join(", ")} as well (Owner, User Access Administrator or Role Based Access Control Administrator there): the credential sets' grants are on the vault, not the registry.`,
    );
  }
  if (sets.length > 0) {
    steps.push(
      "Store each credential set's upstream username and password (or token) as the Key Vault secrets it names before the first pull through the cache; vaults whose role the deployment grants must use the Azure RBAC permission model.",
    );
  }
  return steps;
}
