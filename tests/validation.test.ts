import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, ContainerRegistryArgs, ValidationError, containerRegistryFromConfig, resolveArgs } from "../components";
import { runProgram } from "../testing/harness";
import { GUID, messageFor } from "./support/validation";

describe("every setting is checked, with a message naming the setting, the value and what is allowed", () => {
  test.each<[string, ContainerRegistryArgs | Record<string, unknown>, string]>([
    ["unknown setting", { skew: "Basic" }, "skew: is not a setting: did you mean sku?"],
    ["sku", { sku: "Gold" as never }, 'sku: "Gold" is not allowed: use Basic, Standard or Premium'],
    ["sku case", { sku: "premium" as never }, 'sku: "premium" is not allowed: use Basic, Standard or Premium'],
    ["registryName too short", { registryName: "abc" }, 'registryName: "abc" is not allowed: use 5 to 50 letters and digits'],
    [
      "registryName with dash",
      { registryName: "my-registry" },
      'registryName: "my-registry" is not allowed: use 5 to 50 letters and digits',
    ],
    ["registryName too long", { registryName: "a".repeat(51) }, "registryName:"],
    ["resourceGroupName ending in a period", { resourceGroupName: "rg." }, 'resourceGroupName: "rg." is not allowed'],
    ["location", { location: "West Europe" }, 'location: "West Europe" is not allowed: use an Azure region name'],
    ["adminUserEnabled as text", { adminUserEnabled: "yes" as never }, 'adminUserEnabled: "yes" is not allowed: use true or false'],
    ["protect as number", { protect: 1 as never }, "protect: 1 is not allowed: use true or false"],
    ["logRetentionDays zero", { logRetentionDays: 0 }, "logRetentionDays: 0 is not allowed: use a whole number from 1 to 3650"],
    ["logRetentionDays fraction", { logRetentionDays: 1.5 }, "logRetentionDays: 1.5 is not allowed"],
    ["tags value", { tags: { team: 5 } as never }, "tags.team: 5 is not allowed: use a string"],
    ["servicePrincipal unknown key", { servicePrincipal: { rol: "AcrPull" } as never }, "servicePrincipal.rol: is not a setting"],
    [
      "servicePrincipal.role unknown",
      { servicePrincipal: { role: "Admin" as never } },
      'servicePrincipal.role: "Admin" is not allowed: use AcrPull, AcrPush, AcrDelete, Reader, Contributor or Owner',
    ],
    [
      "servicePrincipal.role Owner without opt-in",
      { servicePrincipal: { role: "Owner" } },
      'servicePrincipal.role: "Owner" needs servicePrincipal.allowPrivilegedRole: true',
    ],
    [
      "servicePrincipal.role Contributor without opt-in",
      { servicePrincipal: { role: "Contributor" } },
      "needs servicePrincipal.allowPrivilegedRole: true",
    ],
    [
      "passwordLifetimeDays above 730",
      { servicePrincipal: { passwordLifetimeDays: 731 } },
      "servicePrincipal.passwordLifetimeDays: 731 is not allowed: use a whole number from 1 to 730",
    ],
    [
      "two rotation periods not within the lifetime",
      { servicePrincipal: { passwordLifetimeDays: 30, rotationDays: 15 } },
      "servicePrincipal.rotationDays: 15 is not allowed: use less than half of servicePrincipal.passwordLifetimeDays (30)",
    ],
    ["roleAssignments not a list", { roleAssignments: { principalId: GUID } as never }, "roleAssignments:"],
    [
      "principalId not a GUID",
      { roleAssignments: [{ principalId: "alice@example.com", principalType: "User", role: "AcrPull" }] },
      'roleAssignments[0].principalId: "alice@example.com" is not allowed: use an object id, a GUID',
    ],
    [
      "principalId missing",
      { roleAssignments: [{ principalType: "User", role: "AcrPull" } as never] },
      "roleAssignments[0].principalId: is missing",
    ],
    [
      "principalType unknown",
      { roleAssignments: [{ principalId: GUID, principalType: "App" as never, role: "AcrPull" }] },
      'roleAssignments[0].principalType: "App" is not allowed: use User, Group or ServicePrincipal',
    ],
    [
      "role that does not exist",
      { roleAssignments: [{ principalId: GUID, principalType: "User", role: "AcrAdmin" as never }] },
      'roleAssignments[0].role: "AcrAdmin" is not allowed',
    ],
    [
      "privileged role for an existing identity",
      { roleAssignments: [{ principalId: GUID, principalType: "Group", role: "Owner" }] },
      'roleAssignments[0].role: "Owner" needs roleAssignments[0].allowPrivilegedRole: true',
    ],
    [
      "purge schedule",
      { purge: [{ schedule: "every day", filter: ".*:.*", ago: "7d" }] },
      'purge[0].schedule: "every day" is not a cron schedule: use 5 fields',
    ],
    [
      "purge schedule field",
      { purge: [{ schedule: "0 25 * * *", filter: ".*:.*", ago: "7d" }] },
      'purge[0].schedule: "0 25 * * *" has an invalid hour field "25"',
    ],
    [
      "purge filter without colon",
      { purge: [{ schedule: "0 3 * * *", filter: "app", ago: "7d" }] },
      'purge[0].filter: "app" is not a filter: use <repository regex>:<tag regex>',
    ],
    [
      "purge filter bad regex",
      { purge: [{ schedule: "0 3 * * *", filter: "app:([", ago: "7d" }] },
      'purge[0].filter: "app:([" has an invalid tag regex',
    ],
    [
      "purge filter quote",
      { purge: [{ schedule: "0 3 * * *", filter: "app:it's", ago: "7d" }] },
      'purge[0].filter: "app:it\'s" is not allowed: a filter cannot contain quotes, spaces or {{',
    ],
    [
      "purge filter with a space",
      { purge: [{ schedule: "0 3 * * *", filter: "app: #x", ago: "7d" }] },
      'purge[0].filter: "app: #x" is not allowed: a filter cannot contain quotes, spaces or {{',
    ],
    [
      "purge filter with template braces",
      { purge: [{ schedule: "0 3 * * *", filter: "app:{{.Run.ID}}", ago: "7d" }] },
      'purge[0].filter: "app:{{.Run.ID}}" is not allowed: a filter cannot contain quotes, spaces or {{',
    ],
    [
      "purge age",
      { purge: [{ schedule: "0 3 * * *", filter: ".*:.*", ago: "7 days" }] },
      'purge[0].ago: "7 days" is not an age acr purge reads as written (acr purge would read it as 7 days',
    ],
    [
      "purge age acr purge would misread",
      { purge: [{ schedule: "0 3 * * *", filter: ".*:.*", ago: "1h1d" }] },
      'purge[0].ago: "1h1d" is not an age acr purge reads as written (acr purge would read it as 1 days',
    ],
    [
      "purge filter acr purge would split elsewhere",
      { purge: [{ schedule: "0 3 * * *", filter: "foo:bar:zzz", ago: "1d" }] },
      'purge[0].filter: "foo:bar:zzz" is not a filter: use <repository regex>:<tag regex> with one separating colon',
    ],
    ["purge age missing", { purge: [{ schedule: "0 3 * * *", filter: ".*:.*" } as never] }, "purge[0].ago: is missing: use a string"],
    [
      "purge keep negative",
      { purge: [{ schedule: "0 3 * * *", filter: ".*:.*", ago: "7d", keep: -1 }] },
      "purge[0].keep: -1 is not allowed: use a whole number from 0 to 10000",
    ],
  ])("%s", (_, args, expected) => {
    expect(messageFor(args)).toContain(expected);
  });

  test("privileged roles are accepted with the explicit opt-in", () => {
    expect(messageFor({ servicePrincipal: { role: "Owner", allowPrivilegedRole: true } })).toBeUndefined();
    expect(
      messageFor({ roleAssignments: [{ principalId: GUID, principalType: "Group", role: "Contributor", allowPrivilegedRole: true }] }),
    ).toBeUndefined();
  });

  test("a disabled service principal is not checked for its role", () => {
    expect(messageFor({ servicePrincipal: { enabled: false, role: "Owner" } })).toBeUndefined();
  });

  test("defaults are secure: admin user off, AcrPush, no protection opt-outs needed", () => {
    const resolved = resolveArgs({});
    expect(resolved).toMatchObject({
      sku: "Standard",
      adminUserEnabled: false,
      servicePrincipal: { enabled: true, role: "AcrPush", passwordLifetimeDays: 180, rotationDays: 60, allowPrivilegedRole: false },
      logRetentionDays: 90,
      protect: false,
      roleAssignments: [],
      purge: [],
    });
  });

  test("a principalId that is an Output (not known yet) is accepted", () => {
    expect(
      messageFor({ roleAssignments: [{ principalId: pulumi.output(GUID), principalType: "ServicePrincipal", role: "AcrPull" }] }),
    ).toBeUndefined();
  });
});

describe("a bad stack config stops the program before any resource is declared", () => {
  test.each<[string, Record<string, unknown>, string]>([
    ["sku", { "acr-infra:sku": "Gold" }, 'acr-infra:sku: "Gold" is not allowed: use Basic, Standard or Premium'],
    [
      "typo in a key",
      { "acr-infra:adminUserEnable": true },
      "acr-infra:adminUserEnable: is not a setting: did you mean acr-infra:adminUserEnabled?",
    ],
    ["boolean as text", { "acr-infra:adminUserEnabled": "maybe" }, 'acr-infra:adminUserEnabled: "maybe" is not allowed: use true or false'],
    [
      "privileged role",
      { "acr-infra:servicePrincipal": { role: "Owner" } },
      'acr-infra:servicePrincipal.role: "Owner" needs servicePrincipal.allowPrivilegedRole: true',
    ],
    [
      "registry name",
      { "acr-infra:registryName": "my_registry" },
      'acr-infra:registryName: "my_registry" is not allowed: use 5 to 50 letters and digits',
    ],
  ])("%s", async (_, config, expected) => {
    let error: unknown;
    await runProgram({ config, program: () => containerRegistryFromConfig("acr") }).catch((e) => (error = e));
    expect(error).toBeInstanceOf(ValidationError);
    // pulumi.RunError: `pulumi up` prints the message alone, without a stack trace.
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toContain(expected);
    // Nothing but the stack itself (the root every program runs in) was registered.
    const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> };
    expect([...monitor.getRegisteredResources().keys()].filter((urn) => !urn.includes("::pulumi:pulumi:Stack::"))).toEqual([]);
  });
});

test("used from code, the message says which component the setting belongs to", async () => {
  let error: unknown;
  await runProgram({
    config: { "azure-native:location": "westeurope" },
    program: () => {
      new ContainerRegistry("api", { sku: "Premium" });
      new ContainerRegistry("web", { sku: "Gold" as never });
    },
  }).catch((e) => (error = e));
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toBe('ContainerRegistry "web": sku: "Gold" is not allowed: use Basic, Standard or Premium');
});

test("every problem at once, one a line, each naming its setting; the rules across settings wait until each setting is right", () => {
  let error: ValidationError | undefined;
  try {
    resolveArgs({
      sku: "Gold" as never,
      logRetentionDays: 0,
      skuu: "x",
      purge: [
        { schedule: "0 3 * * *", filter: "a:b", ago: "1h1d" },
        { schedule: "99 * * * *", filter: "a:b", ago: "1d" },
      ],
    });
  } catch (caught) {
    error = caught as ValidationError;
  }
  expect(error?.problems.map((p) => p.setting)).toEqual(["skuu", "sku", "logRetentionDays", "purge[0].ago", "purge[1].schedule"]);
  expect(error?.message.split("\n")).toHaveLength(5);
  expect(error?.message.split("\n")[0]).toBe("skuu: is not a setting: did you mean sku?");
});

test("every problem inside one setting too: each field of a service principal, a purge rule, a webhook, a role assignment", () => {
  let error: ValidationError | undefined;
  try {
    resolveArgs({
      servicePrincipal: { rol: "x", role: "Owner", rotationDays: 9999 },
      purge: [{ schedule: "99 * * * *", filter: "a:b:c", ago: "1h1d" }],
      webhooks: [{ name: "x", serviceUri: "http://hook", actions: [] }],
      roleAssignments: [{ principalId: "nope", principalType: "Robot", role: "Boss" }],
    });
  } catch (caught) {
    error = caught as ValidationError;
  }
  expect(error?.problems.map((p) => p.setting)).toEqual([
    "servicePrincipal.rol",
    "servicePrincipal.rotationDays",
    "servicePrincipal.role",
    "roleAssignments[0].principalId",
    "roleAssignments[0].principalType",
    "roleAssignments[0].role",
    "purge[0].schedule",
    "purge[0].filter",
    "purge[0].ago",
    "webhooks[0].name",
    "webhooks[0].serviceUri",
    "webhooks[0].actions",
  ]);
});

test("a rule across settings still speaks when only a setting it does not read is wrong", () => {
  let error: ValidationError | undefined;
  try {
    resolveArgs({ sku: "Basic", replicas: [{ location: "northeurope" }], ipRules: ["203.0.113.7"], adminUserEnabled: "yes" });
  } catch (caught) {
    error = caught as ValidationError;
  }
  expect(error?.problems.map((p) => p.setting)).toEqual(["adminUserEnabled", "ipRules", "replicas"]);
  // But not when the setting it reads is the wrong one: sku "Gold" says nothing about Premium gates.
  expect(() => resolveArgs({ sku: "Gold", replicas: [{ location: "northeurope" }] })).toThrow(/^sku: "Gold" is not allowed[^\n]*$/);
});

test("a ValidationError reads as its problems: setting and problem are the first one's, message one line each", () => {
  const error = new ValidationError([
    { setting: "sku", problem: "is bad" },
    { setting: "lock", problem: "is worse" },
  ]);
  expect([error.setting, error.problem]).toEqual(["sku", "is bad"]);
  expect(error.message).toBe("sku: is bad\nlock: is worse");
  expect(() => new ValidationError([])).toThrow(TypeError);
});

test("each replica in the registry's own region is named, next to the other replicas' problems", () => {
  const problems = (args: unknown) => {
    try {
      resolveArgs(args);
      return [];
    } catch (error) {
      return (error as ValidationError).problems.map((p) => p.setting);
    }
  };
  const location = "westeurope";
  expect(problems({ sku: "Premium", location, replicas: [{ location }, { location: "northeurope" }, { location: "bad!" }] })).toEqual([
    "replicas[0].location",
    "replicas[2].location",
  ]);
  expect(problems({ sku: "Premium", location, replicas: [{ location }, { location }] })).toEqual([
    "replicas[0].location",
    "replicas[1].location",
  ]);
});
