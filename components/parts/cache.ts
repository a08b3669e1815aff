/**
 * The pull-through cache (ACR "artifact cache"): credential sets that sign in to an upstream registry
 * with a username and password kept in Key Vault, and cache rules that map a repository of this
 * registry onto an upstream repository. Sources, each read in November 2026:
 * - MicrosoftDocs/azure-management-docs articles/container-registry at 77ed42b (2026-06-11):
 *   artifact-cache-overview.md (SKUs, upstreams, 1,000 rules, no overlapping rules),
 *   wildcards-artifact-cache.md (registry- and repository-level wildcards, which may not overlap),
 *   artifact-cache-cli.md at ac42148 (the credential set's system-assigned identity reads the secrets:
 *   Key Vault Secrets User on the vault; trusted services must pass a network-restricted registry).
 * - Azure/azure-rest-api-specs Registry/CacheRule.tsp, CredentialSet.tsp, CredentialSet.models.tsp
 *   (names, `Credential1`, the identity) and the CredentialSetCreate / CacheRuleCreate examples of
 *   stable/2025-11-01 and preview/2023-01-01-preview, which send the same body.
 * azure-native 3.28's typed resources send CacheRule at 2024-11-01-preview and CredentialSet at
 * 2023-01-01-preview (their .d.ts); both versions take every property declared here.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import {
  CACHE_NAME,
  CACHE_UPSTREAMS,
  KEY_VAULT_ID,
  KEY_VAULT_SECRETS_USER,
  KEY_VAULT_SECRET_URI,
  MAX_CACHE_RULES,
  REPOSITORY_NAME_PATH,
  builtInRoleDefinitionId,
  cacheUpstream,
  vaultOfKeyVaultId,
  vaultOfSecretUri,
} from "../azure-facts";
import { PartContext } from "../context";
import { list, requireUnique } from "../setting-kinds";
import { Problems, ValidationError, closest, oneOfText, read, readFields, show } from "../validation";
import { roleAssignmentName } from "./role-assignments";

/** Credentials for an upstream registry, kept as two Key Vault secrets the credential set reads. */
export interface CredentialSetArgs {
  /** 5 to 50 letters, digits and '-'. */
  name: string;
  /** The upstream's login server, such as `docker.io` or `ghcr.io`: one that accepts credentials. */
  loginServer: string;
  /** URI of the Key Vault secret that holds the username: `https://<vault>.vault.azure.net/secrets/<name>` (no version: follows rotation). */
  usernameSecretId: string;
  /** URI of the Key Vault secret that holds the password or access token, in the same form. */
  passwordSecretId: string;
  /**
   * ARM id of the vault that holds both secrets. Set, the credential set's system-assigned identity
   * gets Key Vault Secrets User on that vault (which must use the Azure RBAC permission model; the
   * role reads every secret in it, so keep upstream credentials in a vault of their own). Not set,
   * the offline plan lists the grant as a step to do by hand.
   */
  keyVaultId?: string;
}

/** A repository of this registry that pulls through from an upstream repository. */
export interface CacheRuleArgs {
  /** 5 to 50 letters, digits and '-'. */
  name: string;
  /**
   * The upstream repository: `<login server>/<path>`, such as `docker.io/library/nginx`. Ending in
   * `/*` (`docker.io/library/*`, or `mcr.microsoft.com/*` for the whole registry), it caches every
   * repository under that path.
   */
  source: string;
  /** The repository in this registry, such as `nginx`; ends in `/*` (or is `*`) exactly when `source` does. */
  target: string;
  /** The name of a `credentialSets` entry for the source's login server; required for upstreams that allow authenticated pulls only (Docker Hub). */
  credentialSet?: string;
}

/** A repository path (the OCI distribution spec's name), or a path prefix followed by `/*`, or `*` alone. */
const REPOSITORY = new RegExp(`^(?:\\*|${REPOSITORY_NAME_PATH}(?:/\\*)?)$`);
const REPOSITORY_RULE = "lower-case path segments of letters and digits ('.', '_' or '-' between), optionally ending in /*";

const hostList = oneOfText(CACHE_UPSTREAMS.map((u) => u.host));

const isWildcard = (repository: string) => repository === "*" || repository.endsWith("/*");
/** The repository path a wildcard covers ("" for the whole registry). */
const wildcardPrefix = (repository: string) => (repository === "*" ? "" : repository.slice(0, -2));

function readSecretUri(setting: string, value: unknown): string {
  return read.requiredString(
    setting,
    value,
    KEY_VAULT_SECRET_URI,
    "a Key Vault secret URI such as https://my-vault.vault.azure.net/secrets/dockerhub-username",
  );
}

function readCredentialSet(value: unknown, setting: string): CredentialSetArgs {
  const keys = ["name", "loginServer", "usernameSecretId", "passwordSecretId", "keyVaultId"];
  return readFields(setting, value, keys, (entry, take) => {
    const name = take(() => read.requiredString(`${setting}.name`, entry.name, CACHE_NAME.pattern, CACHE_NAME.rule), "");
    const loginServer = take(() => {
      const host = read.requiredString(`${setting}.loginServer`, entry.loginServer, /^[^\s/]+$/, `a login server: ${hostList}`);
      const upstream = cacheUpstream(host);
      if (!upstream) throw new ValidationError(`${setting}.loginServer`, `${show(host)} is not allowed: ${upstreamRule(host)}`);
      if (upstream.pulls === "anonymous") {
        throw new ValidationError(
          `${setting}.loginServer`,
          `${show(host)} is not allowed: ${upstream.name} allows unauthenticated pulls only, so artifact cache takes no credentials for it`,
        );
      }
      return host.toLowerCase();
    }, "");
    const usernameSecretId = take(() => readSecretUri(`${setting}.usernameSecretId`, entry.usernameSecretId), "");
    const passwordSecretId = take(() => readSecretUri(`${setting}.passwordSecretId`, entry.passwordSecretId), "");
    const keyVaultId = take(() => {
      const id = read.optionalString(
        `${setting}.keyVaultId`,
        entry.keyVaultId,
        KEY_VAULT_ID,
        "a Key Vault's ARM id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>",
      );
      const vault = id && vaultOfKeyVaultId(id);
      for (const [field, uri] of [
        ["usernameSecretId", usernameSecretId],
        ["passwordSecretId", passwordSecretId],
      ] as const) {
        if (vault && uri && vaultOfSecretUri(uri) !== vault) {
          throw new ValidationError(
            `${setting}.keyVaultId`,
            `${show(id)} is vault ${show(vault)}, but ${field} is in vault ${show(vaultOfSecretUri(uri))}: the role on one vault reads that vault's secrets only; keep both secrets in the vault named here`,
          );
        }
      }
      return id;
    }, undefined);
    return { name, loginServer, usernameSecretId, passwordSecretId, ...(keyVaultId ? { keyVaultId } : {}) };
  });
}

function upstreamRule(host: string): string {
  return /(^|\.)azurecr\.io$/i.test(host)
    ? "an Azure Container Registry upstream signs in with a managed identity on the cache rule (API 2026-01-01-preview), which this component does not declare"
    : `artifact cache pulls from ${hostList} (a Google Artifact Registry host is <location>-docker.pkg.dev)`;
}

function readCacheRule(value: unknown, setting: string): CacheRuleArgs {
  return readFields(setting, value, ["name", "source", "target", "credentialSet"], (entry, take) => {
    const name = take(() => read.requiredString(`${setting}.name`, entry.name, CACHE_NAME.pattern, CACHE_NAME.rule), "");
    const source = take(() => {
      const text = read.requiredString(
        `${setting}.source`,
        entry.source,
        /^\S+$/,
        "an upstream repository such as docker.io/library/nginx",
      );
      const slash = text.indexOf("/");
      const host = slash < 0 ? text : text.slice(0, slash);
      if (!cacheUpstream(host)) throw new ValidationError(`${setting}.source`, `${show(text)} is not allowed: ${upstreamRule(host)}`);
      if (slash < 0 || !REPOSITORY.test(text.slice(slash + 1))) {
        throw new ValidationError(
          `${setting}.source`,
          `${show(text)} is not allowed: use <login server>/<repository>, the repository ${REPOSITORY_RULE}, such as docker.io/library/nginx or docker.io/library/*`,
        );
      }
      return `${host.toLowerCase()}${text.slice(slash)}`;
    }, "");
    const target = take(
      () => read.requiredString(`${setting}.target`, entry.target, REPOSITORY, `a repository of this registry: ${REPOSITORY_RULE}, or *`),
      "",
    );
    if (source && target && isWildcard(source) !== isWildcard(target)) {
      take(() => {
        throw new ValidationError(
          `${setting}.target`,
          `${show(target)} is not allowed with source ${show(source)}: a wildcard maps a path onto a path, so source and target both end in /* or neither does`,
        );
      }, undefined);
    }
    const credentialSet = take(
      () => read.optionalString(`${setting}.credentialSet`, entry.credentialSet, CACHE_NAME.pattern, `the name of a credentialSets entry`),
      undefined,
    );
    const upstream = source ? cacheUpstream(source.split("/")[0]) : undefined;
    take(() => {
      if (upstream?.pulls === "authenticated" && !credentialSet) {
        throw new ValidationError(
          `${setting}.credentialSet`,
          `is missing: ${upstream.name} (${source.split("/")[0]}) allows authenticated pulls only; name a credentialSets entry for it`,
        );
      }
      if (upstream?.pulls === "anonymous" && credentialSet) {
        throw new ValidationError(
          `${setting}.credentialSet`,
          `${show(credentialSet)} is not allowed: ${upstream.name} allows unauthenticated pulls only; leave credentialSet out`,
        );
      }
    }, undefined);
    return { name, source, target, ...(credentialSet ? { credentialSet } : {}) };
  });
}

export const credentialSetsSetting = list(
  "Credentials for upstream registries of the pull-through cache: a username and a password kept as Key Vault secrets",
  {
    type: "CredentialSetArgs",
    typeFrom: "./parts/cache",
    read: readCredentialSet,
    unique: { key: (set) => set.name, what: "credential set name" },
  },
  {
    details:
      "Each credential set gets a system-assigned identity that reads the two secrets. With keyVaultId, the component grants it Key Vault Secrets User on that vault (the vault must use the Azure RBAC permission model); without, the plan lists the grant as a manual step. The secret URIs are not credentials; the secrets' values never pass through the stack.",
  },
);

const cacheRuleList = list(
  "Pull-through cache rules: a repository of this registry that pulls from an upstream repository on first use (any SKU)",
  { type: "CacheRuleArgs", typeFrom: "./parts/cache", read: readCacheRule, unique: { key: (rule) => rule.name, what: "cache rule name" } },
  {
    details:
      "Upstreams: Docker Hub (docker.io, with a credential set only), dhi.io, mcr.microsoft.com, public.ecr.aws, ghcr.io, quay.io, registry.k8s.io, <location>-docker.pkg.dev, gcr.io, nvcr.io, registry.redhat.io and registry.access.redhat.com. Wildcard targets may not overlap; a network-restricted registry needs trustedServicesBypass. At most 1,000 rules.",
  },
);

/** The cache rules: each target once, wildcard targets not overlapping (Azure refuses both), at most 1,000. */
export const cacheRulesSetting: typeof cacheRuleList = {
  ...cacheRuleList,
  read: (value, setting, earlier) => {
    const rules = cacheRuleList.read(value, setting, earlier);
    const problems = new Problems();
    const targets = rules.map((rule) => rule.target);
    problems.attempt(() => requireUnique(setting, targets, "target repository"), undefined);
    problems.attempt(() => requireNoOverlap(setting, rules), undefined);
    if (rules.length > MAX_CACHE_RULES) {
      problems.attempt(() => {
        throw new ValidationError(setting, `has ${rules.length} rules: a registry takes at most ${MAX_CACHE_RULES}`);
      }, undefined);
    }
    problems.throwIfAny();
    return rules;
  },
};

/** Wildcard targets may not cover one another (`*` and `library/*`; `library/*` and `library/dotnet/*`). */
function requireNoOverlap(setting: string, rules: readonly CacheRuleArgs[]): void {
  const wildcards = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => isWildcard(rule.target));
  for (const a of wildcards) {
    for (const b of wildcards) {
      const [pa, pb] = [wildcardPrefix(a.rule.target), wildcardPrefix(b.rule.target)];
      if (a.index < b.index && pa !== pb && (pa === "" || pb === "" || pb.startsWith(`${pa}/`) || pa.startsWith(`${pb}/`))) {
        throw new ValidationError(
          `${setting}[${b.index}].target`,
          `${show(b.rule.target)} overlaps ${show(a.rule.target)} of ${setting}[${a.index}]: wildcard rules may not cover one another's repositories (a rule without a wildcard may)`,
        );
      }
    }
  }
}

/** What the rules across the cache settings read. */
interface CacheSettings {
  credentialSets: CredentialSetArgs[];
  cacheRules: CacheRuleArgs[];
  trustedServicesBypass: boolean;
  ipRules: string[];
  privateEndpoints: unknown[];
  publicNetworkAccess: string;
}

type CacheSettingName = keyof CacheSettings;

/** Rules across settings (settings.ts runs them with the others): each names the setting and the problem when broken. */
export const CACHE_COMBINATIONS: ReadonlyArray<{
  reads: readonly CacheSettingName[];
  broken: (a: CacheSettings) => [setting: string, problem: string] | undefined;
}> = [
  {
    reads: ["credentialSets", "cacheRules"],
    broken: (a) => {
      for (const [index, rule] of a.cacheRules.entries()) {
        if (!rule.credentialSet) continue;
        const setting = `cacheRules[${index}].credentialSet`;
        const set = a.credentialSets.find((s) => s.name.toLowerCase() === rule.credentialSet!.toLowerCase());
        if (!set) {
          const names = a.credentialSets.map((s) => s.name);
          const near = closest(rule.credentialSet, names, 1);
          return [
            setting,
            `${show(rule.credentialSet)} is not a credential set: ${
              names.length === 0 ? "credentialSets declares none" : `credentialSets declares ${oneOfText(names)}`
            }${near.length > 0 ? ` (did you mean ${near[0]}?)` : ""}`,
          ];
        }
        const host = rule.source.split("/")[0];
        if (set.loginServer !== host) {
          return [
            setting,
            `${show(rule.credentialSet)} signs in to ${set.loginServer}, but source ${show(rule.source)} pulls from ${host}: use a credential set for ${host}`,
          ];
        }
      }
      return undefined;
    },
  },
  {
    reads: ["cacheRules", "trustedServicesBypass", "ipRules", "privateEndpoints", "publicNetworkAccess"],
    broken: (a) =>
      a.cacheRules.length > 0 &&
      !a.trustedServicesBypass &&
      (a.ipRules.length > 0 || a.privateEndpoints.length > 0 || a.publicNetworkAccess === "Disabled")
        ? [
            "trustedServicesBypass",
            "false is not allowed with cacheRules on a network-restricted registry: artifact cache fills the registry as a trusted Azure service and cannot pass the network rules otherwise",
          ]
        : undefined,
  },
];

export interface CachePart {
  credentialSets: containerregistry.CredentialSet[];
  /** Key Vault Secrets User on each vault given as keyVaultId, one per credential set that gives one. */
  vaultGrants: authorization.RoleAssignment[];
  cacheRules: containerregistry.CacheRule[];
}

/**
 * Credential sets (each with a system-assigned identity, granted Key Vault Secrets User on its vault
 * when the vault is given) and cache rules. A rule waits for its credential set's grant, so that it
 * is never in place before its credentials can be read.
 */
export function createCache(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  credentialSets: readonly CredentialSetArgs[],
  cacheRules: readonly CacheRuleArgs[],
): CachePart {
  const vaultGrants: authorization.RoleAssignment[] = [];
  const byName = new Map<string, { set: containerregistry.CredentialSet; grant?: authorization.RoleAssignment }>();
  const sets = credentialSets.map((args) => {
    const key = args.name.toLowerCase();
    const set = new containerregistry.CredentialSet(
      `${ctx.name}-credset-${key}`,
      {
        registryName,
        resourceGroupName: ctx.resourceGroupName,
        credentialSetName: args.name,
        loginServer: args.loginServer,
        // The API takes one credential, named Credential1 (CredentialSet.models.tsp).
        authCredentials: [
          { name: "Credential1", usernameSecretIdentifier: args.usernameSecretId, passwordSecretIdentifier: args.passwordSecretId },
        ],
        identity: { type: "SystemAssigned" },
      },
      { parent: ctx.parent },
    );
    const grant = args.keyVaultId ? grantSecretsUser(ctx, `${ctx.name}-credset-${key}-secrets`, args, set) : undefined;
    if (grant) vaultGrants.push(grant);
    byName.set(key, { set, grant });
    return set;
  });
  const rules = cacheRules.map((rule) => {
    const credentials = rule.credentialSet ? byName.get(rule.credentialSet.toLowerCase()) : undefined;
    return new containerregistry.CacheRule(
      `${ctx.name}-cache-${rule.name.toLowerCase()}`,
      {
        registryName,
        resourceGroupName: ctx.resourceGroupName,
        cacheRuleName: rule.name,
        sourceRepository: rule.source,
        targetRepository: rule.target,
        ...(credentials ? { credentialSetResourceId: credentials.set.id } : {}),
      },
      { parent: ctx.parent, ...(credentials?.grant ? { dependsOn: [credentials.grant] } : {}) },
    );
  });
  return { credentialSets: sets, vaultGrants, cacheRules: rules };
}

/** Key Vault Secrets User on the vault for the credential set's identity, named as Bicep's guid(scope, principal, role) would be. */
function grantSecretsUser(
  ctx: PartContext,
  resourceName: string,
  args: CredentialSetArgs,
  set: containerregistry.CredentialSet,
): authorization.RoleAssignment {
  const scope = args.keyVaultId!;
  // A built-in role's definition id, in the vault's own subscription (the vault may be in another).
  const subscription = KEY_VAULT_ID.exec(scope)![1];
  const principalId = set.identity.apply((identity) => identity?.principalId ?? "");
  return new authorization.RoleAssignment(
    resourceName,
    {
      scope,
      principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: builtInRoleDefinitionId(subscription, KEY_VAULT_SECRETS_USER.id),
      roleAssignmentName: principalId.apply((id) => roleAssignmentName(scope, id, KEY_VAULT_SECRETS_USER.name)),
      description: `${KEY_VAULT_SECRETS_USER.name} for credential set ${args.name} of the registry's artifact cache, granted by acr-infra`,
    },
    { parent: ctx.parent },
  );
}
