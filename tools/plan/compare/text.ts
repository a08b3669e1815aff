/** The comparison as text, in the plan's words. */
import { violationLine } from "../../../policy/evaluate";
import { formatPath } from "../../../testing/harness";
import { formatMoney } from "../cost";
import type { InputChange, PlanComparison, ResourceAction, ResourceChange } from "./model";
import type { Segment } from "./paths";
import { isObject, isScalar } from "./values";

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

/** What a lock refuses, and the update that must come first. */
function lockedLine(r: ResourceChange): string {
  if (r.action === "delete" || r.action === "replace") {
    return r.blockingLockLevel === "ReadOnly"
      ? "locked: Azure refuses to delete it while a ReadOnly lock covers it; remove the lock (lock: false) in an update of its own first"
      : "locked: Azure refuses to delete it while a delete lock covers it; remove the lock (lock: false) in an update of its own first";
  }
  const what = r.action === "add" ? "create it" : "change it";
  return `locked: Azure refuses to ${what} while a ReadOnly lock covers it; lower the lock (lock: true) or remove it (lock: false) in an update of its own first`;
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
    if (r.blockedByLock) lines.push(`      ${lockedLine(r)}`);
  }

  if (c.outputs.length > 0) {
    lines.push("", "Outputs:");
    for (const o of c.outputs) {
      if (o.action === "add") lines.push(`  + ${o.name}: ${show(o.after)}`);
      else if (o.action === "delete") lines.push(`  - ${o.name}: ${show(o.before)}`);
      else lines.push(`  ~ ${o.name}: ${show(o.before)} → ${show(o.after)}`);
    }
  }

  const { added, resolved } = c.policyViolations;
  if (added.length + resolved.length > 0) {
    lines.push("", "Policy violations:");
    for (const v of added) lines.push(`  + new      ${violationLine(v)}`);
    for (const v of resolved) lines.push(`  - resolved ${violationLine(v)}`);
  }
  const { mandatory } = c.policyViolations;
  if (mandatory.length > 0) {
    lines.push("", `Mandatory violations in this plan (exit 2), new or not:`);
    for (const v of mandatory) lines.push(`  ${violationLine(v, false)}`);
  }

  const money = (amount: number) => formatMoney(amount, c.cost.currency);
  const delta = c.cost.delta === 0 ? "no change" : `${c.cost.delta > 0 ? "+" : "-"}${money(Math.abs(c.cost.delta))}/month`;
  lines.push("", `Estimated cost: ${money(c.cost.before)}/month → ${money(c.cost.after)}/month (${delta})`);

  lines.push("", `${summary.add} to add, ${summary.update} to change, ${summary.replace} to replace, ${summary.delete} to delete`);
  return `${lines.join("\n")}\n`;
}
