/**
 * Azure's management locks, read offline: which deletes and replacements a CanNotDelete or ReadOnly
 * lock of the base plan makes Azure refuse, and which creates and updates a ReadOnly lock refuses.
 */
import { GENERIC_RESOURCE_TOKEN, LOCK_LEVELS, genericResourceType, type LockLevel } from "../../../components/azure-facts";
import type { PlanDocument, PlanDocumentResource } from "../document";
import type { ResourceChange } from "./model";

const LOCK_TYPE = "azure-native:authorization:ManagementLockByScope";

/**
 * A lock scope's parts, lowercased as ARM compares them: the resource group, and for a top-level
 * resource (`/subscriptions/s/resourceGroups/rg/providers/ns/type/name`) its kind (`ns/type`) and name.
 */
function lockScope(scope: string): { text: string; resourceGroup?: string; kind?: string; name?: string } {
  const text = scope.toLowerCase().replace(/\/+$/, "");
  const match = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)(?:\/providers\/([^/]+\/[^/]+)\/([^/]+)|(\/.+))?$/.exec(text);
  if (!match) return { text };
  // A deeper scope (a child resource) is matched only through scope and resourceUri.
  if (match[4]) return { text };
  return { text, resourceGroup: match[1], kind: match[2], name: match[3] };
}

/** Where a resource type keeps the name of the top-level ARM resource it is, or is a child of. */
const TOP_LEVEL_NAME: ReadonlyArray<{ kind: string; type: (type: string) => boolean; input: string }> = [
  { kind: "microsoft.containerregistry/registries", type: (t) => t.startsWith("azure-native:containerregistry:"), input: "registryName" },
  { kind: "microsoft.storage/storageaccounts", type: (t) => t.startsWith("azure-native:storage:"), input: "accountName" },
];

/**
 * Whether a lock of the base plan covers a resource: the lock's scope is the resource group the
 * resource is in, the resource itself or its top-level parent (same kind, name and resource group),
 * or what the resource extends (`scope`, `resourceUri`). ARM locks are inherited by everything under
 * their scope (Management Locks REST API, 2016-09-01).
 */
function lockedBy(locks: ReturnType<typeof lockScope>[], r: Pick<PlanDocumentResource, "type" | "inputs">): boolean {
  const input = (key: string) => (typeof r.inputs[key] === "string" ? r.inputs[key].toLowerCase() : undefined);
  const group = input("resourceGroupName");
  return locks.some((lock) => {
    for (const key of ["scope", "resourceUri"]) {
      const extended = input(key);
      if (extended && (extended === lock.text || extended.startsWith(`${lock.text}/`))) return true;
    }
    if (!lock.resourceGroup || group !== lock.resourceGroup) return false;
    if (!lock.kind) return true;
    if (
      r.type === GENERIC_RESOURCE_TOKEN &&
      genericResourceType(r.inputs).toLowerCase() === lock.kind &&
      input("resourceName") === lock.name
    ) {
      return true;
    }
    return TOP_LEVEL_NAME.some((top) => top.kind === lock.kind && top.type(r.type) && input(top.input) === lock.name);
  });
}

/** The most restrictive of the levels, as ARM applies them ("The most restrictive lock in the inheritance takes precedence"). */
function strictest(levels: readonly LockLevel[]): LockLevel | undefined {
  return levels.includes("ReadOnly") ? "ReadOnly" : levels[0];
}

/**
 * Marks each change that a lock of the base plan makes Azure refuse while this update runs (see
 * lockedBy), with the lock's level. Source: Azure Resource Manager docs, "Lock your resources to
 * protect your infrastructure" (lock-resources.md, ms.date 03/08/2024): CanNotDelete refuses deletes;
 * ReadOnly refuses updates too ("can read a resource, but they can't delete or update it"), so also
 * the creation of a child or extension resource beneath it (a PUT on the locked scope).
 *
 * - A delete or a replacement (which deletes) is refused by either level. The exception: a lock
 *   deleted or replaced in this update together with the very resource it points at, which it
 *   depends on, goes first (the engine deletes dependents before what they depend on).
 * - An add or an update is refused by a ReadOnly lock, with no exception: a lock that this update
 *   lowers or removes is updated after what it depends on, and deleted after every create and
 *   update, so it still stands when they run.
 * The engine's order: pulumi/pulumi 1b59498, pkg/resource/deploy/deployment_executor.go (deletes are
 * generated and run in performPostSteps, after every other step) and step_generator.go
 * (ScheduleDeletes: "process deletes in reverse (so we don't delete resources upon which other
 * resources depend)").
 */
export function markBlockedByLocks(resources: ResourceChange[], base: PlanDocument): void {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  // A lock that the base declares stands until an update removes it: a delete in that same update
  // may run before the lock's own delete, so it is refused all the same.
  const goes = new Set(resources.filter((r) => r.action === "delete" || r.action === "replace").map((r) => r.urn));
  const locks = base.resources.filter(
    (r): r is PlanDocumentResource & { inputs: { scope: string; level: LockLevel } } =>
      r.type === LOCK_TYPE && typeof r.inputs.scope === "string" && (LOCK_LEVELS as readonly string[]).includes(r.inputs.level as string),
  );
  const covering = (standing: typeof locks, r: Pick<PlanDocumentResource, "type" | "inputs">) =>
    strictest(standing.filter((lock) => lockedBy([lockScope(lock.inputs.scope)], r)).map((lock) => lock.inputs.level));
  for (const change of resources) {
    if (change.type === LOCK_TYPE) continue;
    const old = before.get(change.urn);
    let level: LockLevel | undefined;
    if (old && goes.has(change.urn)) {
      level = covering(
        locks.filter((lock) => !(goes.has(lock.urn) && lock.dependsOn.includes(old.urn))),
        old,
      );
    } else if (change.action === "update" && old) {
      level = covering(locks, old) === "ReadOnly" ? "ReadOnly" : undefined;
    } else if (change.action === "add" && change.inputs) {
      level = covering(locks, { type: change.type, inputs: change.inputs }) === "ReadOnly" ? "ReadOnly" : undefined;
    }
    change.blockedByLock = level !== undefined;
    if (level) change.blockingLockLevel = level;
  }
}
