import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import { GITHUB_OIDC, RoleName, SERVICE_PRINCIPAL_ROLES } from "../azure-facts";
import { PartContext } from "../context";
import { object } from "../setting-kinds";
import { ValidationError, oneOfText, read, readFields, show } from "../validation";
import { assignRole, requireOptInForPrivilegedRole } from "./role-assignments";

/** Which GitHub Actions runs may sign in as the CI identity (one of branch, environment, tag, pullRequest). */
export interface GitHubSubjectArgs {
  /** `owner/repository`, or `owner@<id>/repository@<id>` where the repository's OIDC subject uses ids. */
  repository: string;
  /** Runs on this branch, e.g. `main` (or `refs/heads/main`). */
  branch?: string;
  /** Jobs that use this GitHub environment, e.g. `production`. */
  environment?: string;
  /** Runs for this tag, e.g. `v1.0.0` (or `refs/tags/v1.0.0`). */
  tag?: string;
  /** Pull-request runs. */
  pullRequest?: boolean;
}

/** How the CI identity signs in (an object of names, which the SDK's schema analyzer reads as an enum). */
export const ServicePrincipalCredential = { password: "password", federated: "federated" } as const;
export type ServicePrincipalCredential = (typeof ServicePrincipalCredential)[keyof typeof ServicePrincipalCredential];

/** The Entra ID application and service principal the component creates for CI. */
export interface ServicePrincipalArgs {
  /** Create the application, service principal, credential and role assignment. Default `true`. */
  enabled?: boolean;
  /** Role on the registry (not the quarantine roles; `Contributor` and `Owner` need `allowPrivilegedRole`). Default `AcrPush` (push and pull: what CI needs). With `repositoryPermissions: abac`, AcrPull, AcrPush and AcrDelete are granted as Container Registry Repository Reader, Writer and Contributor. */
  role?: RoleName;
  /**
   * `password` (default): a client secret that rotates. `federated`: GitHub Actions signs in with
   * OIDC (`github` says which runs); no secret exists at all.
   */
  credential?: ServicePrincipalCredential;
  /** For `credential: federated`: the GitHub repository and the branch, environment, tag or pull requests. */
  github?: GitHubSubjectArgs;
  /** Days each client secret stays valid. Default 180; 1 to 730, more than twice `rotationDays`. */
  passwordLifetimeDays?: number;
  /**
   * Days between new client secrets. Two secrets are kept in turn: each period of this many days
   * has a new one, issued by its first deployment; a replaced secret is left valid until its own end
   * date. Default 60; 1 to 365, less than half of `passwordLifetimeDays`.
   */
  rotationDays?: number;
  /** Accept `Owner` or `Contributor` as `role`. Default `false`: CI should not manage the registry. */
  allowPrivilegedRole?: boolean;
}

export type ResolvedServicePrincipal = Required<Omit<ServicePrincipalArgs, "github">> & { github?: GitHubSubjectArgs };

const DEFAULTS = {
  enabled: true,
  role: "AcrPush",
  credential: "password",
  passwordLifetimeDays: 180,
  rotationDays: 60,
  allowPrivilegedRole: false,
} as const satisfies ResolvedServicePrincipal;

function readServicePrincipal(value: unknown, setting: string): ResolvedServicePrincipal {
  const defaults = DEFAULTS;
  return readFields(setting, value, [...Object.keys(defaults), "github"], (sp, take) => {
    const resolved = {
      enabled: take(() => read.boolean(`${setting}.enabled`, sp.enabled, defaults.enabled), defaults.enabled),
      role: take(() => read.oneOf(`${setting}.role`, sp.role, SERVICE_PRINCIPAL_ROLES, defaults.role), defaults.role),
      credential: take(
        () => read.oneOf(`${setting}.credential`, sp.credential, Object.values(ServicePrincipalCredential), defaults.credential),
        defaults.credential,
      ),
      passwordLifetimeDays: take(
        () => read.integer(`${setting}.passwordLifetimeDays`, sp.passwordLifetimeDays, 1, 730, defaults.passwordLifetimeDays),
        defaults.passwordLifetimeDays,
      ),
      rotationDays: take(
        () => read.integer(`${setting}.rotationDays`, sp.rotationDays, 1, 365, defaults.rotationDays),
        defaults.rotationDays,
      ),
      allowPrivilegedRole: take(
        () => read.boolean(`${setting}.allowPrivilegedRole`, sp.allowPrivilegedRole, defaults.allowPrivilegedRole),
        defaults.allowPrivilegedRole,
      ),
    };
    if (!resolved.enabled) return resolved;
    take(() => requireOptInForPrivilegedRole(setting, resolved.role, resolved.allowPrivilegedRole), undefined);
    // Each secret is replaced two periods after its own period starts: it must still be valid then.
    if (resolved.credential === "password" && 2 * resolved.rotationDays >= resolved.passwordLifetimeDays) {
      take(() => {
        throw new ValidationError(
          `${setting}.rotationDays`,
          `${resolved.rotationDays} is not allowed: use less than half of servicePrincipal.passwordLifetimeDays (${resolved.passwordLifetimeDays}), so each of the two secrets is replaced before it expires`,
        );
      }, undefined);
    }
    if (resolved.credential === "password") {
      if (sp.github !== undefined) {
        take(() => {
          throw new ValidationError(`${setting}.github`, "is only used with servicePrincipal.credential: federated");
        }, undefined);
      }
      return resolved;
    }
    const github = take(() => readGitHubSubject(sp.github, `${setting}.github`), undefined);
    return { ...resolved, ...(github ? { github } : {}) };
  });
}

const GITHUB_SUBJECT_KINDS = ["branch", "environment", "tag", "pullRequest"] as const;

function readGitHubSubject(value: unknown, setting: string): GitHubSubjectArgs {
  if (value === undefined) {
    throw new ValidationError(
      setting,
      "is missing: credential federated needs { repository: owner/name, and one of branch, environment, tag or pullRequest: true }",
    );
  }
  const entry = read.object(setting, value, ["repository", ...GITHUB_SUBJECT_KINDS]);
  // Newer repositories put immutable ids in the token's subject (owner@<id>/repository@<id>): the
  // subject must name them the same way.
  const repository = read.requiredString(
    `${setting}.repository`,
    entry.repository,
    /^[A-Za-z0-9_.-]+(?:@\d+)?\/[A-Za-z0-9_.-]+(?:@\d+)?$/,
    "owner/repository, or owner@<id>/repository@<id> as the repository's OIDC subject names it",
  );
  const given = GITHUB_SUBJECT_KINDS.filter((kind) => entry[kind] !== undefined && entry[kind] !== false);
  if (given.length !== 1) {
    throw new ValidationError(
      setting,
      `${show(given)} is not allowed: give exactly one of ${oneOfText(GITHUB_SUBJECT_KINDS)}, which the federated credential's subject names`,
    );
  }
  const kind = given[0];
  if (kind === "pullRequest") return { repository, pullRequest: read.boolean(`${setting}.pullRequest`, entry.pullRequest, false) };
  const written = read.optionalString(`${setting}.${kind}`, entry[kind], /^[^\s:]{1,255}$/, `a ${kind} name without spaces or ':'`);
  // GitHub's subject says ref:refs/heads/<branch> (ref:refs/tags/<tag>): a full ref is taken down to
  // its name, and a ref of the other kind is refused rather than turned into a subject no run has.
  const ownPrefix = kind === "branch" ? "refs/heads/" : kind === "tag" ? "refs/tags/" : undefined;
  const name = ownPrefix && written?.startsWith(ownPrefix) ? written.slice(ownPrefix.length) : written;
  if (ownPrefix && (!name || name.startsWith("refs/"))) {
    throw new ValidationError(
      `${setting}.${kind}`,
      `${show(written)} is not allowed: use the ${kind} name (such as ${kind === "branch" ? "main" : "v1.0.0"}) or its full ref ${ownPrefix}<name>`,
    );
  }
  return { repository, [kind]: name };
}

export const servicePrincipalSetting = object<ResolvedServicePrincipal>(
  "The CI identity: an Entra ID application and service principal with a role on the registry, signing in with two rotating client secrets or GitHub OIDC",
  {
    type: "ServicePrincipalArgs",
    typeFrom: "./parts/ci-principal",
    read: readServicePrincipal,
    default: DEFAULTS,
    // A stand-in that declares nothing, for a value that is wrong.
    fallback: { ...DEFAULTS, enabled: false },
    configDefault: DEFAULTS,
  },
);

export interface CiPrincipalPart {
  application: azuread.Application;
  servicePrincipal: azuread.ServicePrincipal;
  roleAssignment: authorization.RoleAssignment;
  clientId: pulumi.Output<string>;
  objectId: pulumi.Output<string>;
  /** The client secret to use now (the newer of the two), a Pulumi secret; absent for a federated credential. */
  clientSecret?: pulumi.Output<string>;
  /** When that secret expires, and from when a deployment hands out a newer one (RFC 3339). */
  clientSecretExpiresAt?: string;
  clientSecretRenewsAt?: string;
}

/**
 * The subject GitHub Actions puts in its OIDC token for the runs that may sign in. A branch or tag
 * is given by name; validation has already taken a full `refs/heads/...` or `refs/tags/...` ref
 * down to the name, so the subject never says `refs/heads/refs/heads/...`.
 */
export function githubSubject(github: GitHubSubjectArgs): string {
  const prefix = `repo:${github.repository}`;
  if (github.branch) return `${prefix}:ref:refs/heads/${github.branch}`;
  if (github.tag) return `${prefix}:ref:refs/tags/${github.tag}`;
  if (github.environment) return `${prefix}:environment:${github.environment}`;
  return `${prefix}:pull_request`;
}

const DAY_MS = 86_400_000;

/** One of the two client secrets: which rotation window it belongs to and its dates. */
export interface SecretSlot {
  slot: "a" | "b";
  /** The rotation window it was issued in (whole `rotationDays` periods since 1970-01-01): a change replaces it. */
  window: number;
  /** RFC 3339: when it ends (`lifetimeDays` after its window began). */
  endDate: string;
  /** RFC 3339: the end of its window, from when the next deployment hands out a newer secret. */
  renewsAt: string;
}

export interface SecretSchedule {
  /** The secret to hand out now: the one of the current window. */
  current: SecretSlot;
  /** The other, of the window before: what CI may still hold. */
  previous: SecretSlot;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

/**
 * Two staggered client secrets. Time is cut into windows of `rotationDays`; slot a belongs to even
 * windows, slot b to odd ones, so a new secret appears in each window and the one handed out is
 * always the newer. A slot is replaced when its window comes round again, and a replaced secret is
 * not deleted (the passwords are retained): it stays valid until its own end date, however long
 * deployments were skipped and whatever settings changed. Derived from the clock alone, so a
 * preview needs no refresh (and no Entra ID reads) to see it.
 */
export function secretSchedule(nowMs: number, rotationDays: number, lifetimeDays: number): SecretSchedule {
  const current = Math.floor(nowMs / (rotationDays * DAY_MS));
  const slotOf = (window: number): SecretSlot => ({
    slot: window % 2 === 0 ? "a" : "b",
    window,
    endDate: rfc3339(window * rotationDays * DAY_MS + lifetimeDays * DAY_MS),
    renewsAt: rfc3339((window + 1) * rotationDays * DAY_MS),
  });
  return { current: slotOf(current), previous: slotOf(current - 1) };
}

/**
 * The CI identity: an Entra ID application, its service principal, its role on the registry, and
 * either two staggered client secrets (see `secretSchedule`) or a federated credential for GitHub
 * Actions OIDC, which has no secret.
 *
 * The principal that creates them owns both the application and the service principal: with the
 * `Application.ReadWrite.OwnedBy` permission it must own both, or later updates fail (@pulumi/azuread
 * 6.9.1 servicePrincipal.d.ts: "must be an owner of _both_ the linked application registration, _and_
 * the service principal"). Owners are set at creation and then left alone: a preview or an update
 * run by someone else must not take them away from the identity CI deploys with.
 */
export function createCiPrincipal(
  ctx: PartContext,
  settings: ResolvedServicePrincipal,
  registryId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
  deployerObjectId: pulumi.Input<string>,
  nowMs: number = Date.now(),
): CiPrincipalPart {
  const displayName = `${pulumi.getProject()}-${pulumi.getStack()}-${ctx.name}-ci`;
  const owners = [deployerObjectId];
  const ownedOnce = { parent: ctx.parent, ignoreChanges: ["owners"] };
  const application = new azuread.Application(
    `${ctx.name}-ci`,
    { displayName, notes: `${settings.role} on the registry for CI; managed by acr-infra.`, owners },
    ownedOnce,
  );
  const servicePrincipal = new azuread.ServicePrincipal(`${ctx.name}-ci`, { clientId: application.clientId, owners }, ownedOnce);
  const roleAssignment = assignRole(ctx, `${ctx.name}-ci-role`, registryId, subscriptionId, {
    principalId: servicePrincipal.objectId,
    principalType: "ServicePrincipal",
    role: settings.role,
  });
  const part = { application, servicePrincipal, roleAssignment, clientId: application.clientId, objectId: servicePrincipal.objectId };

  if (settings.credential === "federated") {
    new azuread.ApplicationFederatedIdentityCredential(
      `${ctx.name}-ci-github`,
      {
        applicationId: application.id,
        displayName: "github-actions",
        description: `GitHub Actions OIDC for ${settings.github!.repository}`,
        issuer: GITHUB_OIDC.issuer,
        audiences: [GITHUB_OIDC.audience],
        subject: githubSubject(settings.github!),
      },
      { parent: ctx.parent },
    );
    return part;
  }

  // A change of rotateWhenChanged or endDate replaces a password; retainOnDelete leaves the replaced
  // one in Entra ID until its end date, so the secret CI holds is never cut off by an update (a
  // skipped window, or a change of rotationDays or passwordLifetimeDays, replaces both slots).
  const schedule = secretSchedule(nowMs, settings.rotationDays, settings.passwordLifetimeDays);
  const passwords = Object.fromEntries(
    [schedule.current, schedule.previous].map((slot) => [
      slot.slot,
      new azuread.ApplicationPassword(
        `${ctx.name}-ci-${slot.slot}`,
        {
          applicationId: application.id,
          displayName: `acr-infra ${slot.slot}`,
          endDate: slot.endDate,
          rotateWhenChanged: { window: String(slot.window) },
        },
        // 0.1 had one password, "<name>-ci": slot a takes it over, so the upgrade retains it too.
        { parent: ctx.parent, retainOnDelete: true, aliases: slot.slot === "a" ? [{ name: `${ctx.name}-ci` }] : [] },
      ),
    ]),
  ) as Record<"a" | "b", azuread.ApplicationPassword>;
  return {
    ...part,
    clientSecret: pulumi.secret(passwords[schedule.current.slot].value),
    clientSecretExpiresAt: schedule.current.endDate,
    clientSecretRenewsAt: schedule.current.renewsAt,
  };
}
