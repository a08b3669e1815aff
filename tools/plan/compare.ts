/**
 * What changed since an earlier plan: two JSON plan documents (`npm run plan -- --format json`)
 * compared resource by resource and input by input, with stack outputs, policy violations and the
 * cost estimate, offline. Secrets are "[secret]" on both sides and never shown; a secret input whose
 * fingerprint differs (see secretFingerprints in testing/harness.ts) reads "[secret] → [secret] (changed)".
 */
import { GENERIC_RESOURCE_TOKEN, genericResourceType } from "../../components/azure-facts";
import { armRegionName } from "../../components/azure-regions";
import type { PolicyViolation } from "../../policy/evaluate";
import { decodedTask } from "./acr-task";
import { estimateCost, formatMoney } from "./cost";
import type { PlanDocument, PlanDocumentResource } from "./document";
import { formatPath } from "../../testing/harness";

export interface InputChange {
  /** `sku.name`, `privateLinkServiceConnections[0].groupIds`, `tags["a.b"]`. */
  path: string;
  /** Absent where the input is new. */
  before?: unknown;
  /** Absent where the input is gone. */
  after?: unknown;
  forcesReplacement: boolean;
  /** A secret whose value changed: both sides stay "[secret]". */
  secretChanged?: true;
}

export type ResourceAction = "add" | "update" | "replace" | "delete";

export interface ResourceChange {
  action: ResourceAction;
  urn: string;
  type: string;
  name: string;
  /** For azure-native's generic resource, the ARM type it stands for: `Microsoft.ContainerRegistry/registries@2025-11-01`. */
  armType?: string;
  /** A new resource's inputs. */
  inputs?: Record<string, unknown>;
  /** An updated or replaced resource's changed inputs. */
  changes: InputChange[];
  /** Where the `protect` option itself changes. */
  protect?: { before: boolean; after: boolean };
  /**
   * Deleted or replaced while protected in the base plan: `pulumi up` refuses to delete a protected
   * resource (a replacement deletes it too) until protect has been turned off by an update of its own.
   */
  blockedByProtect: boolean;
  /**
   * Deleted or replaced while a CanNotDelete or ReadOnly lock of the base plan covers it (the lock's
   * scope is the resource, its parent or its resource group): Azure refuses the delete until the
   * lock is gone, so the lock must go in an update of its own first.
   */
  blockedByLock: boolean;
  /** Replaced only because this resource (its name) is deleted before its own replacement: see cascadeReplacements. */
  replacedWith?: string;
}

export interface OutputChange {
  name: string;
  action: "add" | "update" | "delete";
  before?: unknown;
  after?: unknown;
}

export interface CostChange {
  currency: string;
  before: number;
  after: number;
  delta: number;
  label: "estimate";
  /** The price table's date (see CostEstimate). */
  asOf: string;
}

export interface PlanComparison {
  base: { project: string; stack: string };
  current: { project: string; stack: string };
  summary: { add: number; update: number; replace: number; delete: number };
  /** Changed resources only, by URN. */
  resources: ResourceChange[];
  outputs: OutputChange[];
  /**
   * Violations new in the current plan, those gone from it, and every mandatory one it still has
   * (which makes the plan exit 2 whether or not it is new).
   */
  policyViolations: { added: PolicyViolation[]; resolved: PolicyViolation[]; mandatory: PolicyViolation[] };
  /** The monthly estimate of both plans, priced with the same table. */
  cost: CostChange;
}

type Segment = string | number;

// ---------------------------------------------------------------------------------------------
// Replace or update, decided offline.
//
// `pulumi preview` asks each provider; offline, the same answer comes from what the providers
// are known to do:
//  1. The resource's own `replaceOnChanges` option: the engine replaces the resource when a changed
//     property is at or below a listed path ("properties.encryption" covers
//     "properties.encryption.status"; `*` matches any one segment). Our diff reports an object that
//     appears or disappears at its own path, which then covers the listed paths below it, so a
//     match either way round counts.
//  2. azure-native replaces a resource when an input that is part of its ARM resource id changes:
//     "All the parameters that are part of the resource path cause a replacement"
//     (pulumi-azure-native provider/pkg/provider/diff.go). For a child such as a Replication, the
//     parent's name (`registryName`) is in that path as well as its own: the replica cannot move to
//     another registry. The table lists the id inputs of the types this project declares, plus the
//     inputs Azure cannot update in place (a role assignment's principal and role).
//  3. azure-native: `location` (create-only for ARM resources); locations that differ only in case
//     and spaces ("West Europe", "westeurope") are no change, as the provider normalises them.
//  4. Resources of other providers whose arguments all force a new resource: azuread's
//     ApplicationPassword (a secret cannot be edited), and every random resource (a random value
//     changes only by being made again).
// Anything else is an update. A provider may still replace on a change this table does not know:
// the offline answer is the best guess, `pulumi preview` the authority.
// ---------------------------------------------------------------------------------------------

/** Inputs whose change replaces a resource, by type token; "all" for types with no update at all. */
export const REPLACING_INPUTS: Readonly<Record<string, readonly string[] | "all">> = {
  "azure-native:resources:ResourceGroup": ["resourceGroupName"],
  [GENERIC_RESOURCE_TOKEN]: ["resourceName", "resourceGroupName", "resourceProviderNamespace", "resourceType", "parentResourcePath"],
  "azure-native:containerregistry:Registry": ["registryName", "resourceGroupName"],
  "azure-native:containerregistry:Replication": ["replicationName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:Task": ["taskName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:Webhook": ["webhookName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:ScopeMap": ["scopeMapName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:Token": ["tokenName", "registryName", "resourceGroupName"],
  "azure-native:storage:StorageAccount": ["accountName", "resourceGroupName"],
  "azure-native:storage:ManagementPolicy": ["managementPolicyName", "accountName", "resourceGroupName"],
  "azure-native:network:PrivateEndpoint": ["privateEndpointName", "resourceGroupName"],
  "azure-native:network:PrivateDnsZoneGroup": ["privateDnsZoneGroupName", "privateEndpointName", "resourceGroupName"],
  "azure-native:monitor:DiagnosticSetting": ["name", "resourceUri"],
  "azure-native:authorization:RoleAssignment": ["roleAssignmentName", "scope", "principalId", "roleDefinitionId"],
  "azure-native:authorization:ManagementLockByScope": ["lockName", "scope"],
  "azure-native:managedidentity:UserAssignedIdentity": ["resourceName", "resourceGroupName"],
  "azuread:index/applicationPassword:ApplicationPassword": "all",
};

const AZURE_NATIVE = "azure-native:";
const RANDOM = "random:";

/** Parses a property path as the engine writes them: `a.b`, `a[0]`, `a[*]`, `a["b.c"]`. */
function parsePath(text: string): Segment[] {
  const segments: Segment[] = [];
  let key = "";
  const flush = () => {
    if (key !== "") segments.push(key);
    key = "";
  };
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === ".") {
      flush();
      i += 1;
    } else if (c === "[") {
      flush();
      const quoted = text[i + 1] === '"';
      const end = quoted ? text.indexOf('"]', i + 2) : text.indexOf("]", i);
      if (end < 0) {
        key = text.slice(i);
        break;
      }
      // A quoted key is taken as written, its escapes undone: a malformed path must not stop the comparison.
      const inner = quoted ? text.slice(i + 2, end).replace(/\\(.)/g, "$1") : text.slice(i + 1, end);
      segments.push(quoted || inner === "*" || !/^\d+$/.test(inner) ? inner : Number(inner));
      i = end + (quoted ? 2 : 1);
    } else {
      key += c;
      i += 1;
    }
  }
  flush();
  return segments;
}

/** Whether one path lies at or under the other, `*` matching any one segment of the listed path. */
function overlaps(listed: readonly Segment[], changed: readonly Segment[]): boolean {
  if (listed.length === 0) return false;
  const shared = Math.min(listed.length, changed.length);
  for (let i = 0; i < shared; i += 1) {
    if (listed[i] !== "*" && String(listed[i]) !== String(changed[i])) return false;
  }
  return true;
}

function forcesReplacement(resource: { type: string; replaceOnChanges: readonly string[] }, path: readonly Segment[]): boolean {
  if (resource.replaceOnChanges.some((listed) => overlaps(parsePath(listed), path))) return true;
  if (resource.type.startsWith(RANDOM)) return true;
  const top = String(path[0]);
  const replacing = REPLACING_INPUTS[resource.type];
  if (replacing === "all" || replacing?.includes(top)) return true;
  return resource.type.startsWith(AZURE_NATIVE) && top === "location";
}

// ---------------------------------------------------------------------------------------------
// Differences, input by input.
// ---------------------------------------------------------------------------------------------

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isScalar = (value: unknown): boolean => value === null || typeof value !== "object";

/** Deep equality of JSON values; key order does not matter. */
function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => isEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && isEqual(a[key], b[key]));
  }
  return false;
}

interface RawChange {
  path: Segment[];
  before?: unknown;
  after?: unknown;
}

/**
 * The leaves that differ. Objects are compared key by key; a list of plain values (`groupIds`,
 * `actions`) is one value, shown whole; a list of objects is compared item by item.
 */
function diffValues(before: unknown, after: unknown, path: Segment[], out: RawChange[]): void {
  if (isEqual(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) diffValues(before[key], after[key], [...path, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && !(before.every(isScalar) && after.every(isScalar))) {
    for (let i = 0; i < Math.max(before.length, after.length); i += 1) diffValues(before[i], after[i], [...path, i], out);
    return;
  }
  out.push({ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) });
}

/** The ARM type (and API version) a generic azure-native resource stands for, as the plan's text shows it. */
function armTypeOf(r: PlanDocumentResource): { armType?: string } {
  if (r.type !== GENERIC_RESOURCE_TOKEN) return {};
  const version = typeof r.inputs.apiVersion === "string" ? `@${r.inputs.apiVersion}` : "";
  return { armType: `${genericResourceType(r.inputs)}${version}` };
}

const normalisedLocation = (value: unknown) => (typeof value === "string" ? armRegionName(value) : value);

/**
 * Inputs as a reader compares them: an ACR Task's base64 `encodedTaskContent` becomes the task it
 * encodes, `taskContent`, so a changed purge rule reads `taskContent.steps[0].cmd: acr purge ... --ago 30d → ... --ago 14d`.
 */
function readable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readable);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      const task = key === "encodedTaskContent" && typeof item === "string" ? decodedTask(item) : undefined;
      return task ? ["taskContent", task] : [key, readable(item)];
    }),
  );
}

function compareResource(before: PlanDocumentResource, after: PlanDocumentResource): ResourceChange | undefined {
  const raw: RawChange[] = [];
  diffValues(readable(before.inputs), readable(after.inputs), [], raw);
  const azureNative = after.type.startsWith(AZURE_NATIVE);
  // The engine applies the new program's options; a document written before the plan carried them
  // falls back to the base's, then to none.
  const rules = { type: after.type, replaceOnChanges: after.replaceOnChanges ?? before.replaceOnChanges ?? [] };
  // The engine keeps the old value of an ignored input (and what lies under it): no change to apply.
  const ignored = (after.ignoreChanges ?? before.ignoreChanges ?? []).map(parsePath);
  const changes: InputChange[] = raw
    .filter((change) => !ignored.some((listed) => listed.length <= change.path.length && overlaps(listed, change.path)))
    .filter(
      (change) =>
        !(
          azureNative &&
          change.path.length === 1 &&
          change.path[0] === "location" &&
          normalisedLocation(change.before) === normalisedLocation(change.after)
        ),
    )
    .map((change) => ({
      path: formatPath(change.path),
      ...(Object.hasOwn(change, "before") ? { before: change.before } : {}),
      ...(Object.hasOwn(change, "after") ? { after: change.after } : {}),
      forcesReplacement: forcesReplacement(rules, change.path),
    }));
  // Secrets are "[secret]" on both sides: their fingerprints tell a changed one (plans that carry them).
  const shown = new Set(changes.map((change) => change.path));
  const [was, is] = [before.secretFingerprints ?? {}, after.secretFingerprints ?? {}];
  for (const path of Object.keys(is).sort()) {
    if (was[path] === undefined || was[path] === is[path] || shown.has(path)) continue;
    if (ignored.some((listed) => overlaps(listed, parsePath(path)) && listed.length <= parsePath(path).length)) continue;
    changes.push({
      path,
      before: "[secret]",
      after: "[secret]",
      forcesReplacement: forcesReplacement(rules, parsePath(path)),
      secretChanged: true,
    });
  }
  const protectChanged = before.protect !== after.protect;
  if (changes.length === 0 && !protectChanged) return undefined;
  const action: ResourceAction = changes.some((change) => change.forcesReplacement) ? "replace" : "update";
  return {
    action,
    urn: after.urn,
    type: after.type,
    name: after.name,
    ...armTypeOf(after),
    changes,
    ...(protectChanged ? { protect: { before: before.protect, after: after.protect } } : {}),
    blockedByProtect: action === "replace" && before.protect,
    blockedByLock: false,
  };
}

function compareOutputs(before: Record<string, unknown>, after: Record<string, unknown>): OutputChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.flatMap((name): OutputChange[] => {
    const had = Object.hasOwn(before, name);
    const has = Object.hasOwn(after, name);
    if (had && has) return isEqual(before[name], after[name]) ? [] : [{ name, action: "update", before: before[name], after: after[name] }];
    return has ? [{ name, action: "add", after: after[name] }] : [{ name, action: "delete", before: before[name] }];
  });
}

/** A violation is the same one while policy, resource, level and message are; any other is new. */
const violationKey = (v: PolicyViolation) => JSON.stringify([v.policy, v.urn, v.enforcement, v.message]);

function compareViolations(before: readonly PolicyViolation[], after: readonly PolicyViolation[]): PlanComparison["policyViolations"] {
  const beforeKeys = new Set(before.map(violationKey));
  const afterKeys = new Set(after.map(violationKey));
  const plain = (v: PolicyViolation): PolicyViolation => ({ policy: v.policy, enforcement: v.enforcement, urn: v.urn, message: v.message });
  return {
    added: after.filter((v) => !beforeKeys.has(violationKey(v))).map(plain),
    resolved: before.filter((v) => !afterKeys.has(violationKey(v))).map(plain),
    mandatory: after.filter((v) => v.enforcement === "mandatory").map(plain),
  };
}

/**
 * Both sides priced with this checkout's table (tools/plan/prices.json): a change of prices in the same
 * branch is not reported as a change of resources, and a base plan written before plans carried a
 * cost still gets one.
 */
function compareCost(base: PlanDocument, current: PlanDocument): CostChange {
  const before = estimateCost(base.resources);
  const after = estimateCost(current.resources);
  return {
    currency: after.currency,
    before: before.monthly,
    after: after.monthly,
    delta: Math.round((after.monthly - before.monthly) * 100) / 100,
    label: "estimate",
    asOf: after.asOf,
  };
}

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
function lockedBy(locks: ReturnType<typeof lockScope>[], r: PlanDocumentResource): boolean {
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

/**
 * A resource replaced with deleteBeforeReplace takes along each resource that takes a replacing
 * input from it (its parent's name, the scope it extends): the engine deletes those first and makes
 * them again ("it can cascade to dependent resources": Pulumi docs, resource option
 * deleteBeforeReplace). The same holds for what those take along, to a fixed point. A replacement
 * made before the old one is deleted (the default) keeps its dependents unless their inputs change,
 * which the offline plan cannot know: `pulumi preview` is the authority there.
 */
function cascadeReplacements(changes: ResourceChange[], after: ReadonlyMap<string, PlanDocumentResource>): void {
  const byUrn = new Map(changes.map((change) => [change.urn, change]));
  const deletedFirst = (urn: string) => byUrn.get(urn)?.action === "replace" && (after.get(urn)?.deleteBeforeReplace ?? false);
  for (let grew = true; grew;) {
    grew = false;
    for (const next of after.values()) {
      const change = byUrn.get(next.urn);
      if (change?.action === "replace" || change?.action === "add") continue;
      const cause = Object.entries(next.propertyDependencies ?? {})
        .filter(([key]) => forcesReplacement({ type: next.type, replaceOnChanges: next.replaceOnChanges ?? [] }, [key]))
        .flatMap(([, urns]) => urns)
        .find(deletedFirst);
      if (!cause) continue;
      const replacedWith = after.get(cause)?.name ?? cause;
      if (change) Object.assign(change, { action: "replace", replacedWith });
      else {
        const added: ResourceChange = {
          action: "replace",
          urn: next.urn,
          type: next.type,
          name: next.name,
          ...armTypeOf(next),
          changes: [],
          blockedByProtect: next.protect,
          blockedByLock: false,
          replacedWith,
        };
        changes.push(added);
        byUrn.set(next.urn, added);
      }
      grew = true;
    }
  }
  changes.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}

/**
 * What applying `current` would change where `base` was applied: resources added, deleted, replaced
 * or updated (input by input, see above for replace or update), outputs, policy violations, and the
 * monthly cost where both plans have an estimate. Plain JSON: it can be written out as is.
 */
export function comparePlans(base: PlanDocument, current: PlanDocument): PlanComparison {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(current.resources.map((r) => [r.urn, r]));
  const urns = [...new Set([...before.keys(), ...after.keys()])].sort();
  const resources = urns.flatMap((urn): ResourceChange[] => {
    const old = before.get(urn);
    const next = after.get(urn);
    if (old && next) {
      const change = compareResource(old, next);
      return change ? [change] : [];
    }
    if (next) {
      return [
        {
          action: "add",
          urn,
          type: next.type,
          name: next.name,
          ...armTypeOf(next),
          inputs: readable(next.inputs) as Record<string, unknown>,
          changes: [],
          blockedByProtect: false,
          blockedByLock: false,
        },
      ];
    }
    if (old)
      return [
        {
          action: "delete",
          urn,
          type: old.type,
          name: old.name,
          ...armTypeOf(old),
          changes: [],
          blockedByProtect: old.protect,
          blockedByLock: false,
        },
      ];
    return [];
  });
  cascadeReplacements(resources, after);
  // A lock that the base declares stands until an update removes it: a delete in that same update
  // may run before the lock's own delete, so it is refused all the same.
  // The exception: a lock deleted or replaced in this update together with the very resource it
  // points at, which it depends on, goes first (the engine deletes dependents before what they depend on).
  const goes = new Set(resources.filter((r) => r.action === "delete" || r.action === "replace").map((r) => r.urn));
  const locks = base.resources.filter(
    (r) => r.type === LOCK_TYPE && typeof r.inputs.scope === "string" && r.inputs.level !== "NotSpecified",
  );
  for (const change of resources) {
    const old = before.get(change.urn);
    if (old && old.type !== LOCK_TYPE && goes.has(change.urn)) {
      const standing = locks.filter((lock) => !(goes.has(lock.urn) && lock.dependsOn.includes(old.urn)));
      change.blockedByLock = lockedBy(
        standing.map((lock) => lockScope(lock.inputs.scope as string)),
        old,
      );
    }
  }
  const count = (action: ResourceAction) => resources.filter((r) => r.action === action).length;
  const cost = compareCost(base, current);
  return {
    base: { project: base.project, stack: base.stack },
    current: { project: current.project, stack: current.stack },
    summary: { add: count("add"), update: count("update"), replace: count("replace"), delete: count("delete") },
    resources,
    outputs: compareOutputs(base.outputs, current.outputs),
    policyViolations: compareViolations(base.policyViolations, current.policyViolations),
    cost,
  };
}

// ---------------------------------------------------------------------------------------------
// Text.
// ---------------------------------------------------------------------------------------------

const show = (value: unknown): string => (typeof value === "string" && value !== "" ? value : JSON.stringify(value));

/** A new resource's inputs as `path: value` lines, split as the diff splits them. */
function inputLines(inputs: Record<string, unknown>): string[] {
  const leaves: string[] = [];
  const walk = (value: unknown, path: Segment[]) => {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const key of Object.keys(value).sort()) walk(value[key], [...path, key]);
    } else if (Array.isArray(value) && !value.every(isScalar)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else {
      leaves.push(`${formatPath(path)}: ${show(value)}`);
    }
  };
  for (const key of Object.keys(inputs).sort()) walk(inputs[key], [key]);
  return leaves;
}

function changeLine(change: InputChange): string {
  const from = Object.hasOwn(change, "before") ? show(change.before) : "(none)";
  const to = Object.hasOwn(change, "after") ? show(change.after) : "(none)";
  return `${change.path}: ${from} → ${to}${change.secretChanged ? " (changed)" : ""}${change.forcesReplacement ? "  (forces replacement)" : ""}`;
}

const SYMBOLS: Record<ResourceAction, string> = { add: "+ add    ", update: "~ update ", replace: "+- replace", delete: "- delete " };

/** The comparison as text, in the plan's words: one block per changed resource, then outputs, policies, cost and a count. */
export function renderComparisonText(c: PlanComparison): string {
  const name = (side: { project: string; stack: string }) => `${side.project}/${side.stack}`;
  const lines: string[] = [`Changes from ${name(c.base)} to ${name(c.current)}`];
  const { summary } = c;
  const nothing =
    c.resources.length === 0 &&
    c.outputs.length === 0 &&
    c.policyViolations.added.length === 0 &&
    c.policyViolations.resolved.length === 0 &&
    c.policyViolations.mandatory.length === 0 &&
    c.cost.delta === 0;
  if (nothing) return `${lines[0]}\nNo changes.\n`;

  if (c.resources.length > 0) lines.push("");
  for (const r of c.resources) {
    lines.push(`${SYMBOLS[r.action]} ${r.type}${r.armType ? ` (${r.armType})` : ""} ${r.name}`);
    if (r.action === "add" && r.inputs) for (const line of inputLines(r.inputs)) lines.push(`      ${line}`);
    for (const change of r.changes) lines.push(`      ${changeLine(change)}`);
    if (r.protect) lines.push(`      protect: ${r.protect.before} → ${r.protect.after}`);
    if (r.blockedByProtect) {
      const what = r.action === "delete" ? "delete it" : "replace it (a replacement deletes it)";
      lines.push(`      protected: pulumi up refuses to ${what}; turn protect off in an update of its own first`);
    }
    if (r.replacedWith) lines.push(`      replaced with ${r.replacedWith}: it is deleted before its replacement, and this depends on it`);
    if (r.blockedByLock) {
      lines.push(
        "      locked: Azure refuses to delete it while a delete lock covers it; remove the lock (lock: false) in an update of its own first",
      );
    }
  }

  if (c.outputs.length > 0) {
    lines.push("", "Outputs:");
    for (const o of c.outputs) {
      if (o.action === "add") lines.push(`  + ${o.name}: ${show(o.after)}`);
      else if (o.action === "delete") lines.push(`  - ${o.name}: ${show(o.before)}`);
      else lines.push(`  ~ ${o.name}: ${show(o.before)} → ${show(o.after)}`);
    }
  }

  const nameOf = (urn: string) => urn.split("::").pop();
  const { added, resolved } = c.policyViolations;
  if (added.length + resolved.length > 0) {
    lines.push("", "Policy violations:");
    for (const v of added) lines.push(`  + new      ${v.enforcement.padEnd(9)} ${v.policy}  ${nameOf(v.urn)}: ${v.message}`);
    for (const v of resolved) lines.push(`  - resolved ${v.enforcement.padEnd(9)} ${v.policy}  ${nameOf(v.urn)}: ${v.message}`);
  }
  const { mandatory } = c.policyViolations;
  if (mandatory.length > 0) {
    lines.push("", `Mandatory violations in this plan (exit 2), new or not:`);
    for (const v of mandatory) lines.push(`  ${v.policy}  ${nameOf(v.urn)}: ${v.message}`);
  }

  const money = (amount: number) => formatMoney(amount, c.cost.currency);
  const delta = c.cost.delta === 0 ? "no change" : `${c.cost.delta > 0 ? "+" : "-"}${money(Math.abs(c.cost.delta))}/month`;
  lines.push("", `Estimated cost: ${money(c.cost.before)}/month → ${money(c.cost.after)}/month (${delta})`);

  lines.push("", `${summary.add} to add, ${summary.update} to change, ${summary.replace} to replace, ${summary.delete} to delete`);
  return `${lines.join("\n")}\n`;
}
