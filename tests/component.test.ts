import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { ContainerRegistry, ROLE_DEFINITION_IDS, purgeCommand } from "../components";
import { STORAGE_ACCOUNT_NAME } from "../components/azure-facts";
import { roleAssignmentName } from "../components/parts/role-assignments";
import { AzureMocks, MOCK_SECRET_PREFIX, MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, ProgramRun } from "../testing";
import { MOCK_DEPLOYER, mockPasswordValue } from "../testing/azure-mocks";
import { resolveValue, runProgram } from "../testing/harness";
import { T, registrySettings } from "./support/stacks";

const EXISTING_USER = "0f0e0d0c-0b0a-4909-8807-060504030201";

class CountingMocks extends AzureMocks {
  readonly invokes: string[] = [];
  call(args: pulumi.runtime.MockCallArgs) {
    this.invokes.push(args.token);
    return super.call(args);
  }
}

let run: ProgramRun;
let web: ContainerRegistry;
let api: ContainerRegistry;
const mocks = new CountingMocks();
// The secrets' rotation windows come from the clock: pin it.
const NOW = Date.parse("2026-11-29T12:00:00Z");

beforeAll(async () => {
  jest.spyOn(Date, "now").mockReturnValue(NOW);
  run = await runProgram({
    stack: "test",
    mocks,
    program: () => {
      web = new ContainerRegistry("web", {
        sku: "Premium",
        adminUserEnabled: true,
        location: "westeurope",
        logRetentionDays: 45,
        tags: { team: "web" },
        roleAssignments: [{ principalId: EXISTING_USER, principalType: "User", role: "AcrPull" }],
        purge: [{ schedule: "0 3 * * *", filter: "web/.*:pr-.*", ago: "7d", keep: 3, untagged: true }],
      });
      api = new ContainerRegistry("api", {
        location: "northeurope",
        resourceGroupName: "shared-rg",
        protect: true,
        servicePrincipal: { enabled: false },
      });
      return {};
    },
  });
});

const ofComponent = (name: string) => run.resources.filter((r) => r.parent === `urn:pulumi:test::acr-infra::${T.component}::${name}`);
const find = (component: string, type: string) => {
  const found = ofComponent(component).filter((r) => r.type === type);
  expect(found).toHaveLength(1);
  return found[0];
};
const value = <T>(output: pulumi.Output<T> | undefined) => resolveValue(output, false) as Promise<T>;

describe("children, parenting and naming", () => {
  test("a full instance declares every part, each parented to the component and named from it", () => {
    const types = ofComponent("web")
      .map((r) => r.type)
      .sort();
    expect(types).toEqual(
      [
        T.resourceGroup,
        T.registry,
        T.storageAccount,
        T.diagnosticSetting,
        T.lifecyclePolicy,
        T.application,
        T.servicePrincipal,
        T.password,
        T.password,
        T.roleAssignment,
        T.roleAssignment,
        T.task,
        T.randomString,
      ].sort(),
    );
    for (const resource of ofComponent("web")) expect(resource.name.startsWith("web-")).toBe(true);
  });

  test("two instances in one stack do not collide", () => {
    const urns = run.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    const registryNames = run.resources.filter((r) => r.type === T.registry).map((r) => r.inputs.resourceName);
    expect(new Set(registryNames).size).toBe(2);
  });

  test("only the components sit at the top of the stack", () => {
    const [stack] = run.resources.filter((r) => r.parent === null);
    expect(stack.type).toBe("pulumi:pulumi:Stack");
    expect(run.resources.filter((r) => r.parent === stack.urn).map((r) => r.type)).toEqual([T.component, T.component]);
  });
});

describe("registry", () => {
  test("SKU, admin user, anonymous pull off, tags with managed-by and stack", () => {
    const registry = find("web", T.registry);
    expect(registry.inputs).toMatchObject({ resourceProviderNamespace: "Microsoft.ContainerRegistry", resourceType: "registries" });
    expect(registrySettings(registry)).toMatchObject({
      sku: { name: "Premium" },
      adminUserEnabled: true,
      anonymousPullEnabled: false,
      location: "westeurope",
      tags: { team: "web", "managed-by": "acr-infra", stack: "test" },
    });
  });

  test("a generated name is letters and digits from project, stack and component plus a random suffix", async () => {
    const name = await value(web.registryName);
    expect(name).toMatch(/^acrinfratestweb[a-z0-9]{8}$/);
    expect(await value(web.loginServer)).toBe(`${name}.azurecr.io`);
  });

  test("an existing resource group is used instead of a new one", () => {
    expect(ofComponent("api").some((r) => r.type === T.resourceGroup)).toBe(false);
    expect(registrySettings(find("api", T.registry)).resourceGroupName).toBe("shared-rg");
  });

  test("protect guards the registry and the storage account, and nothing else", () => {
    const protectedTypes = ofComponent("api")
      .filter((r) => r.protect)
      .map((r) => r.type)
      .sort();
    expect(protectedTypes).toEqual([T.registry, T.storageAccount].sort());
    expect(ofComponent("web").some((r) => r.protect)).toBe(false);
  });
});

describe("admin credentials", () => {
  test("are read only when the admin user is on, and the password is a secret", async () => {
    expect(mocks.invokes.filter((t) => t === "azure-native:containerregistry:listRegistryCredentials")).toHaveLength(1);
    expect(await pulumi.isSecret(web.adminPassword!)).toBe(true);
    expect(await value(web.adminPassword)).toMatch(new RegExp(`^${MOCK_SECRET_PREFIX}`));
    expect(await value(web.adminUsername)).toBe(await value(web.registryName));
    expect(api.adminPassword).toBeUndefined();
    expect(api.adminUsername).toBeUndefined();
  });
});

describe("audit-log storage", () => {
  test("a hardened StorageV2 account", () => {
    expect(find("web", T.storageAccount).inputs).toMatchObject({
      kind: "StorageV2",
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      encryption: { requireInfrastructureEncryption: true },
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
    });
    expect(find("web", T.storageAccount).inputs.accountName).toMatch(STORAGE_ACCOUNT_NAME.pattern);
  });

  test("the registry's login and repository events and metrics go to that account", async () => {
    const setting = find("web", T.diagnosticSetting);
    expect(setting.inputs.resourceUri).toBe(await value(web.registryId));
    expect(setting.inputs.storageAccountId).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]+$/);
    // A category group, as Azure Policy 187242f4 wants: allLogs holds both of the registry's categories.
    expect(setting.inputs.logs).toEqual([
      { categoryGroup: "allLogs", enabled: true },
      { categoryGroup: "audit", enabled: false },
    ]);
    expect(setting.inputs.metrics).toEqual([{ category: "AllMetrics", enabled: true }]);
  });

  test("a lifecycle rule deletes the logs after logRetentionDays", () => {
    const policy = find("web", T.lifecyclePolicy);
    expect(policy.inputs.managementPolicyName).toBe("default");
    expect(JSON.stringify(policy.inputs.policy)).toContain('"daysAfterModificationGreaterThan":45');
    expect(JSON.stringify(policy.inputs.policy)).toContain('"prefixMatch":["insights-logs-","insights-metrics-"]');
  });
});

describe("CI service principal", () => {
  test("application and service principal, both owned by the deploying principal", () => {
    const application = find("web", T.application);
    expect(application.inputs.displayName).toBe("acr-infra-test-web-ci");
    // With Application.ReadWrite.OwnedBy the deployer must own both, or later updates fail.
    expect(application.inputs.owners).toEqual([MOCK_DEPLOYER.objectId]);
    expect(find("web", T.servicePrincipal).inputs.owners).toEqual([MOCK_DEPLOYER.objectId]);
    // Set at creation, then left alone: a preview or an update by someone else must not take them away.
    expect(application.ignoreChanges).toEqual(["owners"]);
    expect(find("web", T.servicePrincipal).ignoreChanges).toEqual(["owners"]);
  });

  test("two staggered passwords: each tied to its rotation window, ending lifetime days after it began, retained when replaced", () => {
    // 2026-11-29 is in 60-day window 346 (from 2026-11-03, even: slot a); slot b holds window 345 (from 2026-09-04).
    const passwords = ofComponent("web").filter((r) => r.type === T.password);
    expect(passwords.map((p) => [p.name, p.inputs.rotateWhenChanged, p.inputs.endDate])).toEqual([
      ["web-ci-a", { window: "346" }, "2027-05-02T00:00:00Z"],
      ["web-ci-b", { window: "345" }, "2027-03-03T00:00:00Z"],
    ]);
    for (const password of passwords) {
      expect(password.dependsOn).toContain(find("web", T.application).urn);
      expect(password.retainOnDelete).toBe(true);
    }
  });

  test("the outputs hand out the newer secret and say when it expires and when it is replaced", async () => {
    expect(await value(web.servicePrincipalClientSecretExpiresAt)).toBe("2027-05-02T00:00:00Z");
    expect(await value(web.servicePrincipalClientSecretRenewsAt)).toBe("2027-01-02T00:00:00Z");
    expect(await value(web.servicePrincipalClientSecret)).toBe(mockPasswordValue("web-ci-a"));
  });

  test("client secret is a secret; ids and tenant are exported", async () => {
    expect(await pulumi.isSecret(web.servicePrincipalClientSecret!)).toBe(true);
    expect(await value(web.servicePrincipalClientSecret)).toMatch(new RegExp(`^${MOCK_SECRET_PREFIX}`));
    expect(await value(web.servicePrincipalClientId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await value(web.tenantId)).toBe(MOCK_TENANT_ID);
  });

  test("AcrPush on the registry's scope, as a ServicePrincipal, under a stable GUID name", async () => {
    const registryId = await value(web.registryId);
    const principalId = await value(web.servicePrincipalObjectId);
    const assignment = ofComponent("web").find((r) => r.type === T.roleAssignment && r.inputs.principalId === principalId)!;
    expect(assignment.inputs).toMatchObject({
      scope: registryId,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION_IDS.AcrPush}`,
    });
    expect(assignment.inputs.roleAssignmentName).toBe(roleAssignmentName(registryId, principalId, "AcrPush"));
    expect(assignment.inputs.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test("disabled: no application, principal, password or role assignment, and no secret output", () => {
    const types = ofComponent("api").map((r) => r.type);
    for (const type of [T.application, T.servicePrincipal, T.password, T.roleAssignment]) expect(types).not.toContain(type);
    expect(api.servicePrincipalClientSecret).toBeUndefined();
  });
});

describe("role assignments for existing identities", () => {
  test("the given principal gets its role with its principal type", async () => {
    const assignment = ofComponent("web").find((r) => r.type === T.roleAssignment && r.inputs.principalId === EXISTING_USER)!;
    expect(assignment.name).toBe(`web-role-acrpull-${EXISTING_USER}`);
    expect(assignment.inputs).toMatchObject({
      principalType: "User",
      scope: await value(web.registryId),
      roleDefinitionId: expect.stringMatching(new RegExp(`${ROLE_DEFINITION_IDS.AcrPull}$`)),
    });
  });

  test("role assignment names differ per principal and role, and repeat for the same grant", () => {
    const scope = "/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerRegistry/registries/z";
    expect(roleAssignmentName(scope, EXISTING_USER, "AcrPull")).toBe(roleAssignmentName(scope, EXISTING_USER, "AcrPull"));
    expect(roleAssignmentName(scope, EXISTING_USER, "AcrPull")).not.toBe(roleAssignmentName(scope, EXISTING_USER, "AcrPush"));
  });
});

describe("scheduled purge", () => {
  test("each rule is an ACR Task on a timer running the decoded acr purge command", () => {
    const task = find("web", T.task);
    const step = task.inputs.step as { type: string; encodedTaskContent: string };
    // No context, as `az acr task create --context /dev/null` sends none.
    expect(Object.keys(step).sort()).toEqual(["encodedTaskContent", "type"]);
    expect(step.type).toBe("EncodedTask");
    // Parsed as ACR reads it: one step whose command anchors the tag regex as the image tool does.
    const definition = load(Buffer.from(step.encodedTaskContent, "base64").toString("utf8")) as {
      version: string;
      steps: { cmd: string }[];
    };
    expect(definition.version).toBe("v1.1.0");
    expect(definition.steps).toEqual([
      expect.objectContaining({ cmd: "acr purge --filter '(?:web/.*):^(?:pr-.*)$' --ago 7d --keep 3 --untagged", timeout: 3600 }),
    ]);
    expect(task.inputs.platform).toEqual({ os: "Linux" });
    expect(task.inputs.identity).toEqual({ type: "SystemAssigned" });
    expect(task.inputs.trigger).toEqual({ timerTriggers: [{ name: "purge-0-timer", schedule: "0 3 * * *", status: "Enabled" }] });
  });

  test("the command leaves out keep and untagged when not asked for", () => {
    expect(purgeCommand({ schedule: "0 3 * * *", filter: "a:b", ago: "1d" })).toBe("acr purge --filter '(?:a):^(?:b)$' --ago 1d");
  });
});
