// The team's unit test, with acr-infra/testing: a few lines, no Azure.
import { CheckedRun, planProgram, readStackFile } from "acr-infra/testing";
import * as path from "path";

let run: CheckedRun;
beforeAll(async () => {
  const { config } = readStackFile(path.join(__dirname, "Pulumi.dev.yaml"));
  // The project name (team-registry) comes from Pulumi.yaml next to the program.
  run = await planProgram({ program: path.join(__dirname, "index.ts"), stack: "dev", config });
});

test("a Standard registry for the team, tagged with it", () => {
  const [registry] = run.registries();
  expect(registry.settings).toMatchObject({
    sku: { name: "Standard" },
    adminUserEnabled: false,
    tags: { team: "payments", "managed-by": "acr-infra" },
  });
});

test("CI signs in from the service's main branch, and the team's group may pull", () => {
  const [credential] = run.ofType("azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential");
  expect(credential.inputs.subject).toBe("repo:contoso/payments-service:ref:refs/heads/main");
  const groupRole = run.ofType("azure-native:authorization:RoleAssignment").find((r) => r.inputs.principalType === "Group");
  expect(groupRole?.inputs.roleDefinitionId).toMatch(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
});

test("no secret output, and no mandatory policy violated", () => {
  expect(Object.keys(run.outputs).sort()).toEqual(["ciClientId", "loginServer", "tenantId"]);
  expect(run.policyViolations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
});
