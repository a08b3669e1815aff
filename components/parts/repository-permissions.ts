/**
 * ABAC repository permissions: the registry's role assignment mode, and the conditions that grant a
 * role on some repositories only. Sources: ACR docs "Azure attribute-based access control (Azure
 * ABAC) repository permissions" (MicrosoftDocs/azure-management-docs
 * articles/container-registry/container-registry-rbac-abac-repository-permissions.md at d923d588,
 * ms.date 2025-12-11), and the OCI distribution spec's repository name grammar.
 */
import {
  ABAC_EQUIVALENTS,
  REPOSITORY_NAME_PATH,
  REPOSITORY_ROLE_DATA_ACTIONS,
  REPOSITORY_SCOPED_ROLES,
  ROLE_ASSIGNMENT_MODES,
  RoleName,
} from "../azure-facts";
import { choice } from "../setting-kinds";
import { ValidationError, oneOfText, read, show } from "../validation";

export const REPOSITORY_PERMISSION_MODES = ["rbac", "abac"] as const;
export type RepositoryPermissionMode = (typeof REPOSITORY_PERMISSION_MODES)[number];

export const repositoryPermissionsSetting = choice(
  REPOSITORY_PERMISSION_MODES,
  "How the registry honours role assignments: rbac (registry-wide roles, AcrPull and AcrPush) or abac (the Container Registry Repository roles, which roleAssignments[].repositories can limit to some repositories); not with purge",
  { default: "rbac" },
  {
    details:
      "Sent as the registry's roleAssignmentMode either way (LegacyRegistryPermissions or AbacRepositoryPermissions), so that Azure changing its default cannot change a registry. In abac mode Azure does not honour AcrPull, AcrPush or AcrDelete: roleAssignments must use the Container Registry Repository roles, and the CI principal and the pull identity get the Repository Writer and Reader roles instead. Switching an existing registry rejects credentials issued before the switch until clients sign in again (docs/repository-permissions.md).",
  },
);

/** The registry's `roleAssignmentMode` for the setting (API 2025-11-01; the spec's default is LegacyRegistryPermissions). */
export function roleAssignmentMode(mode: RepositoryPermissionMode): string {
  return ROLE_ASSIGNMENT_MODES[mode];
}

/**
 * The role a principal the component creates (CI, pull identity) holds in the registry's mode: in ABAC
 * mode the legacy AcrPull, AcrPush and AcrDelete are not honoured, so the Repository role Microsoft
 * names as their equivalent stands in (without a condition: every repository).
 */
export function roleInMode(role: RoleName, mode: RepositoryPermissionMode): RoleName {
  return mode === "abac" ? (ABAC_EQUIVALENTS[role] ?? role) : role;
}

// A repository name in the OCI distribution spec's grammar (azure-facts.ts), which also keeps a quote
// out of the condition's string literal.
const NAME = REPOSITORY_NAME_PATH;
const EXACT = new RegExp(`^${NAME}$`);
/** `team-a/*` (every repository under team-a/), or `team*` (every name starting so, any path). */
const WILDCARD = new RegExp(`^(?:${NAME}/)?(?:[a-z0-9][a-z0-9._-]*)?\\*$`);

function readRepository(value: unknown, setting: string): string {
  if (typeof value === "string" && value !== "*" && (EXACT.test(value) || WILDCARD.test(value))) return value;
  throw new ValidationError(
    setting,
    value === "*"
      ? `"*" is not allowed: leave repositories out to grant the role on every repository`
      : `${show(value)} is not allowed: use a repository name in lower case (team-a/app), a prefix ending in /* (team-a/*: every repository under team-a/), or a prefix ending in * (team-*)`,
  );
}

/**
 * Reads `repositories` of a role assignment: a non-empty list of names and prefixes, for a role that
 * takes a condition. Undefined when absent (the role covers every repository).
 */
export function readRepositories(setting: string, value: unknown, role: RoleName): string[] | undefined {
  if (value === undefined) return undefined;
  const list = read.array(setting, value);
  if (list.length === 0) throw new ValidationError(setting, "[] is not allowed: name at least one repository, or leave repositories out");
  list.forEach((item, index) => readRepository(item, `${setting}[${index}]`));
  const repeated = list.find((item, index) => list.indexOf(item) !== index);
  if (repeated !== undefined) throw new ValidationError(setting, `${show(repeated)} is named twice: name each repository once`);
  if (!REPOSITORY_SCOPED_ROLES.includes(role)) {
    throw new ValidationError(
      setting,
      `is not allowed with role ${show(role)}: only ${oneOfText(REPOSITORY_SCOPED_ROLES)} take a condition naming repositories`,
    );
  }
  return list as string[];
}

const REPOSITORY_NAME = "@Request[Microsoft.ContainerRegistry/registries/repositories:name]";

/**
 * The ABAC condition (version 2.0) that limits a role to repositories, in the shape of the ACR docs'
 * examples: every data action of the role is matched, so none of them is left registry-wide; `x/*`
 * and `x*` become StringStartsWithIgnoreCase 'x/' and 'x', other names StringEqualsIgnoreCase.
 */
export function repositoryCondition(role: RoleName, repositories: readonly string[]): string {
  const actions = REPOSITORY_ROLE_DATA_ACTIONS[role];
  if (!actions) throw new Error(`${role} takes no repository condition`);
  const notActions = actions.map((action) => `!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/${action}'})`);
  const names = repositories.map((repository) =>
    repository.endsWith("*")
      ? `${REPOSITORY_NAME} StringStartsWithIgnoreCase '${repository.slice(0, -1)}'`
      : `${REPOSITORY_NAME} StringEqualsIgnoreCase '${repository}'`,
  );
  return `((${notActions.join(" AND ")}) OR (${names.join(" OR ")}))`;
}
