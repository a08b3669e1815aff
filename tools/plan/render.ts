/** The plan for a reader: a text tree, the JSON document, or a Mermaid diagram of the resource graph. */
import * as path from "path";
import { genericArmType } from "../../components/azure-facts";
import { violationLine } from "../../policy/evaluate";
import { SECRET_MASK } from "../../policy/secret-mask";
import type { PlannedResource } from "../../testing/harness";
import { decodedTask } from "./acr-task";
import { estimateCost, renderCostText } from "./cost";
import { planDocument } from "./document";
import type { Plan } from "./make";
import { manualSteps } from "./steps";

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(planDocument(plan), null, 2)}\n`;
}

/** The commands of a base64 ACR Task definition (`acr purge ...`), so the plan shows what a task runs. */
function decodedCommands(encoded: string): string[] {
  return (decodedTask(encoded)?.steps ?? []).flatMap((step) => (typeof step.cmd === "string" ? [step.cmd] : []));
}

/** What the text plan marks as made up by the offline mocks. */
const SIMULATED = " (simulated)";

/** Inputs as `path: value` lines: scalars and lists of scalars on one line each; values taken from other resources marked simulated. */
function resourceInputLines(r: PlannedResource): string[] {
  const fromOthers = new Set(
    Object.entries(r.propertyDependencies)
      .filter(([, urns]) => urns.length > 0)
      .map(([key]) => key),
  );
  return Object.entries(r.inputs).flatMap(([key, value]) =>
    inputLines(value, key).map((line) => (fromOthers.has(key) && !line.endsWith(SECRET_TEXT) ? `${line}${SIMULATED}` : line)),
  );
}

const SECRET_TEXT = `: ${SECRET_MASK}`;

/** Inputs as `path: value` lines: scalars and lists of scalars on one line each. */
function inputLines(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [`${prefix}: ${typeof value === "string" ? value : JSON.stringify(value)}`];
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== "object")) return [`${prefix}: ${JSON.stringify(value)}`];
    return value.flatMap((item, i) => inputLines(item, `${prefix}[${i}]`));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [`${prefix}: {}`] : [];
  if (prefix === "tags" || prefix.endsWith(".tags")) return [`${prefix}: ${JSON.stringify(value)}`];
  return entries.flatMap(([key, item]) => {
    const here = prefix ? `${prefix}.${key}` : key;
    if (key === "encodedTaskContent" && typeof item === "string")
      return decodedCommands(item).map((cmd) => `${prefix ? `${prefix}.` : ""}command: ${cmd}`);
    return inputLines(item, here);
  });
}

const armType = (r: PlannedResource) => genericArmType(r.type, r.inputs);

function label(r: PlannedResource): string {
  const arm = armType(r);
  return `${r.type}${arm ? ` (${arm})` : ""} ${r.name}${r.protect ? " [protected]" : ""}`;
}

/** A tree of resources (type, name, inputs, protect), then outputs, then policy verdicts. */
export function renderText(plan: Plan, cwd: string): string {
  const { run, violations } = plan;
  const lines: string[] = [];
  const relative = (file: string) => path.relative(cwd, file) || file;
  lines.push(`Offline plan of ${run.project}/${run.stack}: ${run.resources.length} resources`);
  lines.push(`program ${relative(plan.programFile)}, config ${relative(plan.configFile)}${plan.production ? ", production stack" : ""}`);
  lines.push(
    "Values marked (simulated) come from the offline mocks, not Azure: ARM ids, generated names and suffixes, client, object and principal ids, login servers. The outputs are simulated the same way. Dates come from the real clock.",
  );
  lines.push("");

  const children = new Map<string | null, PlannedResource[]>();
  for (const r of run.resources) {
    const key = r.parent && run.resources.some((p) => p.urn === r.parent) ? r.parent : null;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      lines.push(`${indent}${branch}${label(r)}`);
      const inner = parent === null ? indent : `${indent}${last ? "   " : "│  "}`;
      const hasChildren = (children.get(r.urn) ?? []).length > 0;
      for (const line of resourceInputLines(r)) lines.push(`${inner}${hasChildren ? "│  " : "   "}  ${line}`);
      walk(r.urn, inner);
    });
  };
  walk(null, "");

  lines.push("");
  lines.push("Outputs (simulated):");
  const outputKeys = Object.keys(run.outputs);
  if (outputKeys.length === 0) lines.push("  (none)");
  for (const key of outputKeys)
    lines.push(`  ${key}: ${typeof run.outputs[key] === "string" ? run.outputs[key] : JSON.stringify(run.outputs[key])}`);

  lines.push("");
  const mandatory = violations.filter((v) => v.enforcement === "mandatory").length;
  lines.push(
    `Policies: ${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s)${plan.production ? " (production levels)" : ""}`,
  );
  for (const v of violations) lines.push(`  ${violationLine(v)}`);

  lines.push("");
  lines.push(...renderCostText(estimateCost(run.resources)));

  const steps = manualSteps(run.resources, plan.config);
  lines.push("");
  lines.push(`Before you deploy (${steps.length === 0 ? "nothing by hand" : `${steps.length} by hand`}):`);
  for (const step of steps) lines.push(`  - ${step}`);
  return `${lines.join("\n")}\n`;
}

/** The resource graph: parent edges solid, dependency edges dotted. */
export function renderMermaid(plan: Plan): string {
  const { run } = plan;
  const ids = new Map(run.resources.map((r, i) => [r.urn, `r${i}`]));
  const escape = (text: string) => text.replace(/"/g, "#quot;");
  const lines = ["flowchart TD"];
  for (const r of run.resources) {
    const shortType = armType(r) ?? r.type.split(":").pop()!;
    lines.push(`  ${ids.get(r.urn)}["${escape(shortType)}<br/>${escape(r.name)}${r.protect ? " (protected)" : ""}"]`);
  }
  for (const r of run.resources) {
    if (r.parent && ids.has(r.parent)) lines.push(`  ${ids.get(r.parent)} --> ${ids.get(r.urn)}`);
  }
  for (const r of run.resources) {
    for (const dependency of r.dependsOn) {
      if (ids.has(dependency) && dependency !== r.parent) lines.push(`  ${ids.get(r.urn)} -.->|depends on| ${ids.get(dependency)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
