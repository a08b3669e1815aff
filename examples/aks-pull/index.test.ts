import { CheckedRun, mockAcrInfraStackOutputs, planProgram, readStackFile } from "acr-infra/testing";
import * as path from "path";

const REGISTRY_STACK = "organization/acr-infra/dev";
let run: CheckedRun;
beforeAll(async () => {
  const { config } = readStackFile(path.join(__dirname, "Pulumi.dev.yaml"));
  run = await planProgram({ program: path.join(__dirname, "index.ts"), stack: "dev", config });
});

test("the kubelet identity gets AcrPull on the referenced registry, as a service principal", () => {
  const [assignment] = run.ofType("azure-native:authorization:RoleAssignment");
  expect(assignment.inputs).toMatchObject({
    scope: mockAcrInfraStackOutputs(REGISTRY_STACK).registryId,
    principalId: "2b7c0e51-5d0a-4f6e-9c1b-8e2f3a4d5c6b",
    principalType: "ServicePrincipal",
    roleDefinitionId: expect.stringMatching(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/),
  });
  expect(assignment.dependsOn).toEqual([expect.stringContaining("pulumi:pulumi:StackReference::organization/acr-infra/dev")]);
});

test("the registry's login server comes from the other stack", () => {
  expect(run.outputs.loginServer).toBe(mockAcrInfraStackOutputs(REGISTRY_STACK).loginServer);
  expect(run.policyViolations).toEqual([]);
});
