import * as path from "path";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { ContainerRegistry, containerRegistryFromConfig, resolveArgs } from "../components";
import { auditLogsToStorage, resourceLogsByCategoryGroup } from "../policy/rules";
import { evaluatePolicies } from "../policy/evaluate";
import { ProgramRun } from "../testing";
import { runProgram } from "../testing/harness";
import { ROOT, T } from "./support/stacks";
import { messageFor } from "./support/validation";
import { runPlan } from "./support/plan-documents";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/monitoring/providers";
const WORKSPACE = `${SUB}/Microsoft.OperationalInsights/workspaces/central-logs`;
const RULE = `${SUB}/Microsoft.EventHub/namespaces/siem-westeurope/authorizationRules/RootManageSharedAccessKey`;
const EVENT_HUB = { authorizationRuleId: RULE, name: "acr-logs" };

describe("diagnostics: read and checked before anything is declared", () => {
  test("not set, or {}: no second setting; a workspace alone gets allLogs and AllMetrics", () => {
    expect(resolveArgs({}).diagnostics).toBeUndefined();
    expect(resolveArgs({ diagnostics: {} }).diagnostics).toBeUndefined();
    expect(resolveArgs({ diagnostics: { workspaceId: WORKSPACE } }).diagnostics).toEqual({
      workspaceId: WORKSPACE,
      categoryGroups: ["allLogs"],
      metrics: true,
    });
    expect(resolveArgs({ diagnostics: { eventHub: EVENT_HUB, categoryGroups: [], metrics: true } }).diagnostics).toEqual({
      eventHub: EVENT_HUB,
      categoryGroups: [],
      metrics: true,
    });
  });

  test.each<[string, unknown, string]>([
    [
      "a storage account is not a workspace",
      { workspaceId: `${SUB}/Microsoft.Storage/storageAccounts/logs` },
      `diagnostics.workspaceId: "${SUB}/Microsoft.Storage/storageAccounts/logs" is not allowed: use the ARM id of a Log Analytics workspace`,
    ],
    [
      "a workspace name Azure refuses (4 to 63)",
      { workspaceId: `${SUB}/Microsoft.OperationalInsights/workspaces/abc` },
      "diagnostics.workspaceId:",
    ],
    [
      "an event hub's own rule",
      {
        eventHub: {
          authorizationRuleId: RULE.replace("/authorizationRules/", "/eventhubs/acr-logs/authorizationRules/"),
          name: "acr-logs",
        },
      },
      "it is an event hub's own rule; use the namespace's (…/namespaces/<namespace>/authorizationRules/<rule>) and name the event hub in diagnostics.eventHub.name",
    ],
    [
      "the event hub's name missing",
      { eventHub: { authorizationRuleId: RULE } },
      "diagnostics.eventHub.name: is missing: use 1 to 256 letters",
    ],
    ["an event hub name ending in '-'", { eventHub: { ...EVENT_HUB, name: "acr-" } }, 'diagnostics.eventHub.name: "acr-" is not allowed'],
    ["a misspelt field", { workspace: WORKSPACE }, "diagnostics.workspace: is not a setting: did you mean workspaceId?"],
    [
      "no destination",
      { categoryGroups: ["audit"] },
      "diagnostics: needs workspaceId, eventHub or both: the audit-log storage account gets the logs without this setting",
    ],
    [
      "a category group Azure does not have",
      { workspaceId: WORKSPACE, categoryGroups: ["security"] },
      'diagnostics.categoryGroups[0]: "security" is not allowed: use audit or allLogs',
    ],
    [
      "both groups",
      { workspaceId: WORKSPACE, categoryGroups: ["audit", "allLogs"] },
      'diagnostics.categoryGroups: ["audit","allLogs"] is not allowed: allLogs already holds every category audit does; list one',
    ],
    ["a group twice", { workspaceId: WORKSPACE, categoryGroups: ["audit", "audit"] }, 'diagnostics.categoryGroups: "audit" appears twice'],
    [
      "nothing enabled",
      { workspaceId: WORKSPACE, categoryGroups: [], metrics: false },
      "diagnostics.categoryGroups: [] with metrics: false sends nothing",
    ],
    ["metrics as text", { workspaceId: WORKSPACE, metrics: "yes" }, 'diagnostics.metrics: "yes" is not allowed: use true or false'],
  ])("%s", (_, diagnostics, expected) => {
    expect(messageFor({ diagnostics })).toContain(expected);
  });

  test("every problem in it at once, one a line", () => {
    const message = messageFor({
      diagnostics: { workspaceId: "central-logs", eventHub: { authorizationRuleId: "RootManageSharedAccessKey" }, categoryGroups: ["all"] },
    });
    expect(message?.split("\n").map((line) => line.split(":")[0])).toEqual([
      "diagnostics.workspaceId",
      "diagnostics.eventHub.authorizationRuleId",
      "diagnostics.eventHub.name",
      "diagnostics.categoryGroups[0]",
    ]);
  });
});

describe("lock: true, false, CanNotDelete or ReadOnly", () => {
  test("true is CanNotDelete; the words are taken as written, anything else is refused", () => {
    expect(resolveArgs({}).lock).toBe(false);
    expect(resolveArgs({ lock: true }).lock).toBe("CanNotDelete");
    expect(resolveArgs({ lock: "CanNotDelete" }).lock).toBe("CanNotDelete");
    expect(resolveArgs({ lock: "ReadOnly" }).lock).toBe("ReadOnly");
    expect(messageFor({ lock: "readonly" })).toBe('lock: "readonly" is not allowed: use true, false, "CanNotDelete" or "ReadOnly"');
    expect(messageFor({ lock: "Delete" })).toContain('lock: "Delete" is not allowed');
  });

  test("ReadOnly is refused with the admin user, whose password is read with a POST on every run", () => {
    expect(messageFor({ lock: "ReadOnly", adminUserEnabled: true })).toBe(
      'lock: "ReadOnly" is not allowed with adminUserEnabled: the admin password is read with a POST that a ReadOnly lock refuses, on every run',
    );
    expect(messageFor({ lock: "CanNotDelete", adminUserEnabled: true })).toBeUndefined();
  });

  test("stack config takes the words as text and true as a boolean", async () => {
    const locks = async (value: unknown) => {
      const run = await runProgram({
        config: { "acr-infra:location": "westeurope", "acr-infra:lock": value },
        program: () => void containerRegistryFromConfig("acr"),
      });
      return run.resources
        .filter((r) => r.type === T.lock)
        .map((r) => [r.name, r.inputs.level])
        .sort();
    };
    expect(await locks("ReadOnly")).toEqual([
      ["acr-logs-lock", "CanNotDelete"],
      ["acr-registry-lock", "ReadOnly"],
    ]);
    expect(await locks(true)).toEqual([
      ["acr-logs-lock", "CanNotDelete"],
      ["acr-registry-lock", "CanNotDelete"],
    ]);
    await expect(locks("Readonly")).rejects.toThrow('acr-infra:lock: "Readonly" is not allowed');
  });
});

describe("declared", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      stack: "diag",
      program: () => {
        new ContainerRegistry("plain", { location: "westeurope" });
        new ContainerRegistry("sent", {
          location: "westeurope",
          lock: "ReadOnly",
          diagnostics: { workspaceId: WORKSPACE, eventHub: EVENT_HUB, categoryGroups: ["audit"], metrics: false },
          webhooks: [{ name: "deploybot", serviceUri: "https://hooks.example.com/acr", actions: ["push"] }],
          scopeMaps: [{ name: "app-readers", actions: ["repositories/app/content/read"] }],
          roleAssignments: [{ principalId: "11111111-2222-3333-4444-555555555555", principalType: "Group", role: "AcrPull" }],
        });
        return {};
      },
    });
  });
  const of = (component: string, type: string) =>
    run.resources.filter((r) => r.type === type && r.parent === `urn:pulumi:diag::acr-infra::${T.component}::${component}`);

  test("by default one setting, the audit trail to storage, under its old name", () => {
    const settings = of("plain", T.diagnosticSetting);
    expect(settings.map((s) => s.name)).toEqual(["plain-audit-logs"]);
    expect(settings[0].inputs).toMatchObject({
      logs: [
        { categoryGroup: "allLogs", enabled: true },
        { categoryGroup: "audit", enabled: false },
      ],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(settings[0].propertyDependencies.storageAccountId).toEqual(of("plain", T.storageAccount).map((a) => a.urn));
  });

  test("with diagnostics, a second setting carries the workspace and the event hub; the audit trail is unchanged", () => {
    const [audit, sent] = of("sent", T.diagnosticSetting);
    expect(audit.name).toBe("sent-audit-logs");
    expect(audit.inputs).toEqual({
      ...of("plain", T.diagnosticSetting)[0].inputs,
      resourceUri: audit.inputs.resourceUri,
      storageAccountId: audit.inputs.storageAccountId,
    });
    expect(sent.name).toBe("sent-diagnostics");
    expect(sent.inputs).toMatchObject({
      workspaceId: WORKSPACE,
      eventHubAuthorizationRuleId: RULE,
      eventHubName: "acr-logs",
      logs: [
        { categoryGroup: "audit", enabled: true },
        { categoryGroup: "allLogs", enabled: false },
      ],
      metrics: [{ category: "AllMetrics", enabled: false }],
    });
    // Storage stays with the audit trail; ACR has resource-specific tables only, so no destination type.
    expect(sent.inputs.storageAccountId).toBeUndefined();
    expect(sent.inputs.logAnalyticsDestinationType).toBeUndefined();
    expect(sent.propertyDependencies.resourceUri).toEqual(of("sent", T.registry).map((r) => r.urn));
  });

  test("the log policies judge the two settings together: the audit trail still counts, whatever the second sends", async () => {
    const found = await evaluatePolicies(run.resources, { production: true, policies: [auditLogsToStorage, resourceLogsByCategoryGroup] });
    expect(found).toEqual([]);
    // Without the audit trail, a second setting with audit enabled counts as well: any destination does.
    const withoutAudit = run.resources.filter((r) => r.name !== "sent-audit-logs" && r.name !== "plain-audit-logs");
    const violations = await evaluatePolicies(withoutAudit, {
      production: true,
      policies: [auditLogsToStorage, resourceLogsByCategoryGroup],
    });
    expect(violations.map((v) => `${v.policy} ${v.urn.split("::").pop()}`).sort()).toEqual([
      "acr-audit-logs plain-registry",
      "acr-resource-logs-category-group plain-registry",
    ]);
  });

  test("ReadOnly: the registry's lock waits for everything beneath the registry, so the first deployment can create them", () => {
    const lock = (what: string) => of("sent", T.lock).find((r) => r.name === `sent-${what}-lock`)!;
    const [registryLock, logsLock] = [lock("registry"), lock("logs")];
    expect(registryLock.inputs).toMatchObject({ level: "ReadOnly", lockName: "sent-registry-cannot-delete" });
    expect(logsLock.inputs).toMatchObject({ level: "CanNotDelete", lockName: "sent-logs-cannot-delete" });
    expect(String(logsLock.inputs.notes)).toContain('lock: "ReadOnly" locks the audit-log account CanNotDelete');
    const beneath = [T.diagnosticSetting, T.webhook, T.scopeMap, T.roleAssignment].flatMap((type) => of("sent", type).map((r) => r.urn));
    expect(beneath.length).toBeGreaterThanOrEqual(6);
    expect(registryLock.dependsOn).toEqual(expect.arrayContaining(beneath));
  });
});

test("a workspace the same program declares: its id, an output, goes to the diagnostic setting unchecked and as a dependency", async () => {
  const run = await runProgram({
    stack: "diagnostics-output",
    program: () => {
      const workspace = new operationalinsights.Workspace("logs", { resourceGroupName: "monitoring", location: "westeurope" });
      new ContainerRegistry("acr", { location: "westeurope", diagnostics: { workspaceId: workspace.id } });
    },
  });
  const workspace = run.resources.find((r) => r.type === "azure-native:operationalinsights:Workspace")!;
  const sent = run.resources.find((r) => r.type === T.diagnosticSetting && r.name === "acr-diagnostics")!;
  expect(sent.propertyDependencies.workspaceId).toEqual([workspace.urn]);
  // A literal id is still checked before anything is declared.
  expect(messageFor({ diagnostics: { workspaceId: "central-logs" } })).toMatch(/^diagnostics\.workspaceId: "central-logs" is not allowed/);
});

test("the offline plan of a stack file with diagnostics and a ReadOnly lock shows both; exit 0", () => {
  const result = runPlan("--config", path.join(ROOT, "tests", "fixtures", "logs-stack", "Pulumi.logs.yaml"), "--stack", "logs");
  expect([result.status, result.stderr]).toEqual([0, ""]);
  for (const line of [
    "azure-native:authorization:ManagementLockByScope acr-registry-lock",
    "level: ReadOnly",
    "azure-native:monitor:DiagnosticSetting acr-diagnostics",
    "eventHubName: acr-logs",
    "logs[0].categoryGroup: audit",
    "workspaceId: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/monitoring/providers/Microsoft.OperationalInsights/workspaces/central-logs",
  ]) {
    expect(result.stdout).toContain(line);
  }
});
