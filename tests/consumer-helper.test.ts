// What a team writes to unit-test its own stack that uses the component: a few lines with
// acr-infra/testing (here imported from the source; a team imports "acr-infra/testing").
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CheckedRun, MOCK_SECRET_PREFIX, planProgram } from "../testing";

let run: CheckedRun;
beforeAll(async () => {
  // The project, team-images, is the name in the program's Pulumi.yaml.
  run = await planProgram({
    program: path.join(__dirname, "fixtures", "team-stack", "index.ts"),
    stack: "ci",
    config: { "azure-native:location": "northeurope" },
  });
});

test("the team's registry is Premium with an AcrPull CI principal, under the component", () => {
  const [registry] = run.registries();
  expect(registry.settings.sku).toEqual({ name: "Premium" });
  expect(registry.parent).toBe("urn:pulumi:ci::team-images::acr-infra:index:ContainerRegistry::team");
  const [role] = run.ofType("azure-native:authorization:RoleAssignment");
  expect(role.inputs.roleDefinitionId).toMatch(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
});

test("its secrets are secrets, and masked in what the helper returns", async () => {
  expect(await pulumi.isSecret(run.exports.adminPassword as pulumi.Output<string>)).toBe(true);
  expect(run.outputs.adminPassword).toBe("[secret]");
  expect(JSON.stringify({ resources: run.resources, outputs: run.outputs })).not.toContain(MOCK_SECRET_PREFIX);
});

test("the policies run too: the admin user the team turned on is reported", () => {
  expect(run.policyViolations).toContainEqual(
    expect.objectContaining({ policy: "acr-admin-user-disabled", enforcement: "advisory", urn: expect.stringContaining("team-registry") }),
  );
});
