/**
 * Resources compared input by input: what was added, deleted, updated or replaced, with the inputs
 * a reader compares (an ACR Task's definition decoded), locations as the provider normalises them,
 * and ignored inputs left out.
 */
import { genericArmType } from "../../../components/azure-facts";
import { SECRET_MASK } from "../../../policy/secret-mask";
import { armRegionName } from "../../../components/azure-regions";
import { formatPath } from "../../../testing/harness";
import { decodedTask } from "../acr-task";
import type { PlanDocument, PlanDocumentResource } from "../document";
import type { InputChange, ResourceAction, ResourceChange } from "./model";
import { overlaps, parsePath, type Segment } from "./paths";
import { AZURE_NATIVE, forcesReplacement } from "./replacement";
import { isEqual, isObject, isScalar } from "./values";

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
export function armTypeOf(r: PlanDocumentResource): { armType?: string } {
  const armType = genericArmType(r.type, r.inputs);
  return armType === undefined ? {} : { armType };
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
  const isIgnored = (path: readonly Segment[]) => ignored.some((listed) => listed.length <= path.length && overlaps(listed, path));
  const changes: InputChange[] = raw
    .filter((change) => !isIgnored(change.path))
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
  // Secrets are masked on both sides: their fingerprints tell a changed one (plans that carry them).
  const shown = new Set(changes.map((change) => change.path));
  const [was, is] = [before.secretFingerprints ?? {}, after.secretFingerprints ?? {}];
  for (const path of Object.keys(is).sort()) {
    if (was[path] === undefined || was[path] === is[path] || shown.has(path)) continue;
    if (isIgnored(parsePath(path))) continue;
    changes.push({
      path,
      before: SECRET_MASK,
      after: SECRET_MASK,
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

/** Each resource added, deleted, updated or replaced from `base` to `current` (by URN, in URN order). */
export function resourceChanges(base: PlanDocument, current: PlanDocument): ResourceChange[] {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(current.resources.map((r) => [r.urn, r]));
  const urns = [...new Set([...before.keys(), ...after.keys()])].sort();
  return urns.flatMap((urn): ResourceChange[] => {
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
}
