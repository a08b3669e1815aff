import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as resources from "@pulumi/azure-native/resources";
import { ContainerRegistryArgs } from "./args";
import { ResolvedArgs, resolveArgs } from "./settings";
import { MANAGED_BY_TAG, REGISTRY_NAME, STORAGE_ACCOUNT_NAME } from "./azure-facts";
import { Problems, ValidationError } from "./validation";
import { PartContext } from "./context";
import { nameSuffix, uniqueName } from "./naming";
import { createAuditStorage } from "./parts/audit-logs";
import { createCache } from "./parts/cache";
import { createCiPrincipal } from "./parts/ci-principal";
import { createDiagnosticSettings } from "./parts/diagnostics";
import { createLocks } from "./parts/locks";
import { createPrivateEndpoints } from "./parts/private-endpoints";
import { createPullIdentity } from "./parts/pull-identity";
import { createPurgeTasks } from "./parts/purge";
import { createRegistry } from "./parts/registry";
import { roleInMode } from "./parts/repository-permissions";
import { assignRole } from "./parts/role-assignments";
import { createScopeMaps } from "./parts/scope-maps";
import { createWebhooks } from "./parts/webhooks";

/**
 * The settings, with the region made explicit: the `location` argument, else the azure-native
 * provider's `location` setting, checked the same way. A registry never goes out without a region.
 * Pure: declares nothing; throws a ValidationError naming every problem.
 */
export function resolveSettings(args: ContainerRegistryArgs): ResolvedArgs {
  const providerLocation = args.location ? undefined : new pulumi.Config("azure-native").get("location");
  const problems = new Problems();
  const settings = problems.attempt(() => resolveArgs(providerLocation ? { ...args, location: providerLocation } : args), undefined);
  if (!args.location && !providerLocation) {
    problems.attempt(() => {
      throw new ValidationError(
        "location",
        "is missing: give the region (such as westeurope) in location, or in the azure-native:location setting of the stack",
      );
    }, undefined);
  }
  problems.throwIfAny();
  return settings!;
}

/**
 * The component's type token. Its first part is the Pulumi package's name, which the component
 * provider (provider/) serves it under for other languages: resources already created keep their URNs.
 */
export const CONTAINER_REGISTRY_TYPE = "acr-infra:index:ContainerRegistry";

/** The outputs that hold credentials: Pulumi secrets, and marked secret in the package schema. */
export const SECRET_OUTPUTS = ["adminPassword", "servicePrincipalClientSecret"] as const satisfies readonly (keyof ContainerRegistry)[];

/**
 * The settings each component used. Kept outside the class, behind a getter, because the SDK's schema
 * analyzer (provider/) takes every property of the class for an output of the package, and the
 * resolved settings are for TypeScript callers, not a Pulumi output.
 */
const SETTINGS_OF = new WeakMap<ContainerRegistry, ResolvedArgs>();

/**
 * A complete Azure Container Registry setup: resource group, registry (network, content policies,
 * replicas, encryption), hardened audit-log storage, a CI identity with a least-privilege role (a
 * rotating secret or GitHub OIDC), a pull identity, roles for existing identities, private
 * endpoints, webhooks, scoped tokens, management locks, scheduled purge, and logs to a workspace or event hub.
 *
 * Arguments are checked before any resource is declared; a bad value throws a ValidationError that
 * names the setting, the value and what is allowed.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly registryName: pulumi.Output<string>;
  readonly registryId: pulumi.Output<string>;
  readonly loginServer: pulumi.Output<string>;
  readonly storageAccountName: pulumi.Output<string>;
  readonly tenantId: pulumi.Output<string>;
  /** Only when `adminUserEnabled`. */
  readonly adminUsername?: pulumi.Output<string>;
  /** Only when `adminUserEnabled`; a secret. */
  readonly adminPassword?: pulumi.Output<string>;
  /** Only when `servicePrincipal.enabled`. */
  readonly servicePrincipalClientId?: pulumi.Output<string>;
  readonly servicePrincipalObjectId?: pulumi.Output<string>;
  /** Only when the service principal has passwords: the one to use now (the newer of two), a secret. */
  readonly servicePrincipalClientSecret?: pulumi.Output<string>;
  /** When that secret expires (RFC 3339). */
  readonly servicePrincipalClientSecretExpiresAt?: pulumi.Output<string>;
  /** From this time (RFC 3339) the next deployment hands out a newer secret; the one before stays valid until it expires. */
  readonly servicePrincipalClientSecretRenewsAt?: pulumi.Output<string>;
  /** Only with `pullIdentity`: the identity's ARM id, client id and principal (object) id. */
  readonly pullIdentityId?: pulumi.Output<string>;
  readonly pullIdentityClientId?: pulumi.Output<string>;
  readonly pullIdentityPrincipalId?: pulumi.Output<string>;
  /** The arguments with defaults applied, as the component used them. */
  get settings(): ResolvedArgs {
    return SETTINGS_OF.get(this)!;
  }

  constructor(name: string, args: ContainerRegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Validate before super(): a bad value must stop the program before anything is registered.
    let settings: ResolvedArgs;
    try {
      settings = resolveSettings(args);
    } catch (error) {
      throw error instanceof ValidationError ? error.of(`ContainerRegistry ${JSON.stringify(name)}`) : error;
    }
    super(CONTAINER_REGISTRY_TYPE, name, {}, opts);
    SETTINGS_OF.set(this, settings);

    const clientConfig = authorization.getClientConfigOutput({ parent: this });
    const tags = { ...settings.tags, ...MANAGED_BY_TAG, stack: pulumi.getStack() };
    const resourceGroupName = settings.resourceGroupName
      ? pulumi.output(settings.resourceGroupName)
      : new resources.ResourceGroup(`${name}-rg`, { location: settings.location, tags }, { parent: this }).name;
    const ctx: PartContext = { name, parent: this, resourceGroupName, location: settings.location, tags, protect: settings.protect };

    const suffix = nameSuffix(name, this).result;
    const registryName =
      settings.registryName ?? uniqueName(`${pulumi.getProject()}${pulumi.getStack()}${name}`, suffix, REGISTRY_NAME.maxLength);
    const { registry, loginServer, adminCredentials, replicas } = createRegistry(ctx, settings, registryName);

    // Storage names allow 24 characters: keep the stack and component names readable, then the suffix.
    const storageAccountName = uniqueName(`${pulumi.getStack()}${name}`, suffix, STORAGE_ACCOUNT_NAME.maxLength);
    const audit = createAuditStorage(ctx, storageAccountName, settings.logRetentionDays);
    const diagnostics = createDiagnosticSettings(ctx, registry.id, audit.account.id, settings.diagnostics);

    // What is declared on or beneath the registry: a ReadOnly lock waits for all of it (parts/locks.ts).
    const cache = createCache(ctx, registry.name, settings.credentialSets, settings.cacheRules);
    const beneath: pulumi.Resource[] = [
      ...replicas,
      diagnostics.auditLogs,
      ...(diagnostics.destinations ? [diagnostics.destinations] : []),
      ...createPurgeTasks(ctx, registry.name, settings.purge),
      ...createPrivateEndpoints(ctx, registry.id, settings.privateEndpoints),
      ...createWebhooks(ctx, registry.name, settings.webhooks),
      ...createScopeMaps(ctx, registry.name, settings.scopeMaps),
      ...cache.credentialSets,
      ...cache.cacheRules,
    ];

    if (settings.servicePrincipal.enabled) {
      // The principal that runs azuread (it may sign in apart from azure-native) becomes the owner.
      const deployer = azuread.getClientConfigOutput({ parent: this });
      // In ABAC mode its AcrPush (or AcrPull, AcrDelete) would not be honoured: it gets the Repository equivalent.
      const ciSettings = { ...settings.servicePrincipal, role: roleInMode(settings.servicePrincipal.role, settings.repositoryPermissions) };
      const ci = createCiPrincipal(ctx, ciSettings, registry.id, clientConfig.subscriptionId, deployer.objectId);
      beneath.push(ci.roleAssignment);
      this.servicePrincipalClientId = ci.clientId;
      this.servicePrincipalObjectId = ci.objectId;
      this.servicePrincipalClientSecret = ci.clientSecret;
      if (ci.clientSecretExpiresAt) this.servicePrincipalClientSecretExpiresAt = pulumi.output(ci.clientSecretExpiresAt);
      if (ci.clientSecretRenewsAt) this.servicePrincipalClientSecretRenewsAt = pulumi.output(ci.clientSecretRenewsAt);
    }
    if (settings.pullIdentity) {
      const pull = createPullIdentity(ctx, registry.id, clientConfig.subscriptionId, roleInMode("AcrPull", settings.repositoryPermissions));
      beneath.push(pull.roleAssignment);
      this.pullIdentityId = pull.identity.id;
      this.pullIdentityClientId = pull.identity.clientId;
      this.pullIdentityPrincipalId = pull.identity.principalId;
    }
    settings.roleAssignments.forEach((grant, index) => {
      // Named by principal and role where the id is known now, so reordering the list changes nothing.
      const key = typeof grant.principalId === "string" ? grant.principalId : `${index}`;
      const role = grant.role.toLowerCase().replace(/ /g, "-");
      beneath.push(assignRole(ctx, `${name}-role-${role}-${key}`, registry.id, clientConfig.subscriptionId, grant));
    });
    if (settings.lock) createLocks(ctx, settings.lock, { registry: registry.id, logs: audit.account.id }, beneath);

    this.resourceGroupName = resourceGroupName;
    this.registryName = registry.name;
    this.registryId = registry.id;
    this.loginServer = loginServer;
    this.storageAccountName = audit.account.name;
    this.tenantId = clientConfig.tenantId;
    this.adminUsername = adminCredentials?.username;
    this.adminPassword = adminCredentials?.password;

    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      registryName: this.registryName,
      registryId: this.registryId,
      loginServer: this.loginServer,
      storageAccountName: this.storageAccountName,
      tenantId: this.tenantId,
      adminUsername: this.adminUsername,
      adminPassword: this.adminPassword,
      servicePrincipalClientId: this.servicePrincipalClientId,
      servicePrincipalObjectId: this.servicePrincipalObjectId,
      servicePrincipalClientSecret: this.servicePrincipalClientSecret,
      servicePrincipalClientSecretExpiresAt: this.servicePrincipalClientSecretExpiresAt,
      servicePrincipalClientSecretRenewsAt: this.servicePrincipalClientSecretRenewsAt,
      pullIdentityId: this.pullIdentityId,
      pullIdentityClientId: this.pullIdentityClientId,
      pullIdentityPrincipalId: this.pullIdentityPrincipalId,
    });
  }
}
