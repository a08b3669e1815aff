// ABAC repository permissions. The conditions are checked against the examples of the ACR docs,
// "Azure attribute-based access control (Azure ABAC) repository permissions in Azure Container
// Registry" (MicrosoftDocs/azure-management-docs
// articles/container-registry/container-registry-rbac-abac-repository-permissions.md at d923d588),
// and the role ids against Microsoft's built-in roles page (MicrosoftDocs/azure-docs
// articles/role-based-access-control/built-in-roles/containers.md at 0088bfa7).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROLE_DEFINITION_IDS } from "../components/azure-facts";
import { ContainerRegistry } from "../components";
import { ContainerRegistryArgs } from "../components/args";
import { repositoryCondition } from "../components/parts/repository-permissions";
import { runProgram } from "../testing/harness";
import { T, ofType } from "./support/stacks";
import { GUID, messageFor } from "./support/validation";
import { runPlan } from "./support/plan-documents";

/** The condition as Azure stores it, whitespace aside: the docs print it over several lines. */
const normal = (condition: string) => condition.replace(/\s+/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")").trim();

const READER = "Container Registry Repository Reader";
const WRITER = "Container Registry Repository Writer";

describe("the condition is the docs' condition", () => {
  test("one repository: the az role assignment create output of the docs' hello-world example", () => {
    const docs =
      "( (  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})  AND  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'}) ) OR  (  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'hello-world' ))";
    expect(repositoryCondition(READER, ["hello-world"])).toBe(normal(docs));
  });

  test("a prefix: backend/* is StringStartsWithIgnoreCase 'backend/', the trailing slash kept", () => {
    const docs =
      "( (  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})  AND  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'}) ) OR  (  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'backend/' ))";
    expect(repositoryCondition(READER, ["backend/*"])).toBe(normal(docs));
  });

  test("two prefixes, joined by OR as in the docs' multiple-wildcards example", () => {
    const docs = `(
 (
  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})
  AND
  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})
 )
 OR 
 (
  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'backend/'
  OR
  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'frontend/js/'
 )
)`;
    expect(repositoryCondition(READER, ["backend/*", "frontend/js/*"])).toBe(normal(docs));
  });

  test("a name and a prefix mixed; a bare * prefix has no slash added", () => {
    expect(repositoryCondition(READER, ["team-a/*", "shared/base", "tools-*"])).toContain(
      "(@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'team-a/' OR " +
        "@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'shared/base' OR " +
        "@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'tools-'))",
    );
  });

  test("Writer and Contributor: every data action of the role is in the condition, none left registry-wide", () => {
    const actions = (condition: string) => [...condition.matchAll(/repositories\/(\w+\/\w+)'/g)].map((m) => m[1]);
    expect(actions(repositoryCondition(WRITER, ["app"]))).toEqual(["content/read", "metadata/read", "content/write", "metadata/write"]);
    expect(actions(repositoryCondition("Container Registry Repository Contributor", ["app"]))).toEqual([
      "content/read",
      "metadata/read",
      "content/write",
      "metadata/write",
      "content/delete",
      "metadata/delete",
    ]);
  });
});

test("the ABAC roles' ids are the built-in roles page's", () => {
  expect(ROLE_DEFINITION_IDS).toMatchObject({
    [READER]: "b93aa761-3e63-49ed-ac28-beffa264f7ac",
    [WRITER]: "2a1e307c-b015-4ebd-883e-5b7698a07328",
    "Container Registry Repository Contributor": "2efddaa5-3f1f-4df3-97df-af3f13818f4c",
    "Container Registry Repository Catalog Lister": "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7",
  });
});

describe("refused, with the setting named", () => {
  const grant = (more: Record<string, unknown>) => ({ principalId: GUID, principalType: "Group", role: WRITER, ...more });
  test.each<[string, Record<string, unknown>, string]>([
    ["an unknown mode", { repositoryPermissions: "ABAC" }, 'repositoryPermissions: "ABAC" is not allowed: use rbac or abac'],
    [
      "repositories without abac",
      { roleAssignments: [grant({ repositories: ["team-a/*"] })] },
      'roleAssignments[0].repositories: ["team-a/*"] needs repositoryPermissions: abac',
    ],
    [
      "repositories on a role that takes no condition",
      {
        repositoryPermissions: "abac",
        roleAssignments: [grant({ role: "Container Registry Repository Catalog Lister", repositories: ["a"] })],
      },
      'roleAssignments[0].repositories: is not allowed with role "Container Registry Repository Catalog Lister": only Container Registry Repository Reader, Container Registry Repository Writer or Container Registry Repository Contributor take a condition',
    ],
    [
      "a legacy role in abac mode",
      { repositoryPermissions: "abac", roleAssignments: [grant({ role: "AcrPush" })] },
      'roleAssignments[0].role: "AcrPush" is not allowed with repositoryPermissions: abac: a registry in ABAC mode does not honour it; use "Container Registry Repository Writer"',
    ],
    [
      "a CI identity whose role gives no push or pull in ABAC mode",
      { repositoryPermissions: "abac", servicePrincipal: { role: "Owner", allowPrivilegedRole: true } },
      'servicePrincipal.role: "Owner" is not allowed with repositoryPermissions: abac: it gives no push or pull on a registry in ABAC mode',
    ],
    [
      "purge in abac mode",
      { repositoryPermissions: "abac", purge: [{ schedule: "0 3 * * *", filter: "app:.*", ago: "7d" }] },
      "purge: is not allowed with repositoryPermissions: abac",
    ],
    [
      "an upper-case name",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: ["Team-A/*"] })] },
      'roleAssignments[0].repositories[0]: "Team-A/*" is not allowed: use a repository name in lower case',
    ],
    [
      "every repository as *",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: ["*"] })] },
      'roleAssignments[0].repositories[0]: "*" is not allowed: leave repositories out',
    ],
    [
      "a quote",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: ["a' OR 'b"] })] },
      "roleAssignments[0].repositories[0]: \"a' OR 'b\" is not allowed",
    ],
    [
      "a wildcard inside",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: ["team-*/app"] })] },
      'roleAssignments[0].repositories[0]: "team-*/app" is not allowed',
    ],
    [
      "an empty path part",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: ["team-a//app"] })] },
      'roleAssignments[0].repositories[0]: "team-a//app" is not allowed',
    ],
    [
      "an empty list",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: [] })] },
      "roleAssignments[0].repositories: [] is not allowed",
    ],
    [
      "a name twice",
      { repositoryPermissions: "abac", roleAssignments: [grant({ repositories: ["a", "a"] })] },
      'roleAssignments[0].repositories: "a" is named twice',
    ],
  ])("%s", (_, args, expected) => {
    expect(messageFor(args as ContainerRegistryArgs)).toContain(expected);
  });

  test("accepted: names, prefixes, and the ABAC roles without repositories", () => {
    expect(
      messageFor({
        repositoryPermissions: "abac",
        roleAssignments: [
          { principalId: GUID, principalType: "Group", role: WRITER, repositories: ["team-a/*", "shared/base", "tools-*", "a.b/c__d"] },
          { principalId: GUID, principalType: "Group", role: "Container Registry Repository Catalog Lister" },
          { principalId: GUID, principalType: "Group", role: "Reader" },
        ],
      }),
    ).toBeUndefined();
  });
});

describe("what the component declares", () => {
  const roles = async (args: ContainerRegistryArgs) => {
    const run = await runProgram({
      stack: "abac",
      program: () => void new ContainerRegistry("acr", { location: "westeurope", pullIdentity: true, ...args }),
    });
    const registry = run.resources.find((r) => r.type === T.registry);
    const assignments = ofType(run, T.roleAssignment).map((r) => ({
      name: r.name,
      role: String(r.inputs.roleDefinitionId).split("/").pop(),
      condition: r.inputs.condition,
      conditionVersion: r.inputs.conditionVersion,
    }));
    return { mode: (registry?.inputs.properties as Record<string, unknown>).roleAssignmentMode, assignments };
  };

  test("abac: the mode, the condition on the scoped grant, and the CI and pull identities on Repository roles", async () => {
    const { mode, assignments } = await roles({
      repositoryPermissions: "abac",
      roleAssignments: [{ principalId: GUID, principalType: "Group", role: WRITER, repositories: ["team-a/*", "shared/base"] }],
    });
    expect(mode).toBe("AbacRepositoryPermissions");
    expect(assignments).toEqual(
      expect.arrayContaining([
        { name: "acr-ci-role", role: ROLE_DEFINITION_IDS[WRITER], condition: undefined, conditionVersion: undefined },
        { name: "acr-pull-role", role: ROLE_DEFINITION_IDS[READER], condition: undefined, conditionVersion: undefined },
        {
          name: `acr-role-container-registry-repository-writer-${GUID}`,
          role: ROLE_DEFINITION_IDS[WRITER],
          condition: repositoryCondition(WRITER, ["team-a/*", "shared/base"]),
          conditionVersion: "2.0",
        },
      ]),
    );
  });

  test("rbac (the default): the legacy mode said explicitly, AcrPush and AcrPull, no conditions", async () => {
    const { mode, assignments } = await roles({});
    expect(mode).toBe("LegacyRegistryPermissions");
    expect(assignments.map((a) => [a.name, a.role, a.condition])).toEqual(
      expect.arrayContaining([
        ["acr-ci-role", ROLE_DEFINITION_IDS.AcrPush, undefined],
        ["acr-pull-role", ROLE_DEFINITION_IDS.AcrPull, undefined],
      ]),
    );
  });
});

describe("the offline plan", () => {
  const plan = (stackFile: string) => runPlan("--config", stackFile, "--format", "json");
  const stackFile = (config: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "acr-abac-")), "Pulumi.dev.yaml");
    fs.writeFileSync(file, `config:\n  azure-native:location: westeurope\n  acr-infra:repositoryPermissions: abac\n${config}`);
    return file;
  };

  test("shows the mode and the scoped grant (exit 0)", () => {
    const result = plan(
      stackFile(
        `  acr-infra:roleAssignments:\n    - { principalId: ${GUID}, principalType: Group, role: ${WRITER}, repositories: ["team-a/*", shared/base] }\n`,
      ),
    );
    expect([result.status, result.stderr]).toEqual([0, ""]);
    const resources = JSON.parse(result.stdout).resources as { type: string; inputs: Record<string, unknown> }[];
    expect(resources.find((r) => r.type === T.registry)?.inputs.properties).toMatchObject({
      roleAssignmentMode: "AbacRepositoryPermissions",
    });
    expect(resources.filter((r) => r.type === T.roleAssignment).map((r) => r.inputs.condition)).toContain(
      repositoryCondition(WRITER, ["team-a/*", "shared/base"]),
    );
  });

  test("refuses repositories on a legacy role (exit 1), naming the setting", () => {
    const result = plan(
      stackFile(`  acr-infra:roleAssignments:\n    - { principalId: ${GUID}, principalType: Group, role: AcrPull, repositories: [app] }\n`),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("roleAssignments[0].repositories");
  });
});
