import { ProgramRun } from "../testing";
import { T, ofType, runStack, single } from "./support/stacks";

let run: ProgramRun;
beforeAll(async () => {
  run = await runStack("prod");
});

test("prod is Premium with the admin user off", () => {
  expect(single(run, T.registry).inputs).toMatchObject({ sku: { name: "Premium" }, adminUserEnabled: false, anonymousPullEnabled: false });
  expect(run.outputs.adminPassword).toBeUndefined();
});

test("prod protects the registry and its storage", () => {
  expect(single(run, T.registry).protect).toBe(true);
  expect(single(run, T.storageAccount).protect).toBe(true);
});

test("prod's CI principal pushes, and no more", () => {
  const [assignment] = ofType(run, T.roleAssignment);
  expect(assignment.inputs.roleDefinitionId).toMatch(/8311e382-0749-4cb8-b61a-304f252e45ec$/);
  expect(assignment.inputs.principalType).toBe("ServicePrincipal");
});

test("prod keeps a year of audit logs and purges old pull-request images keeping the newest 10", () => {
  expect(JSON.stringify(single(run, T.lifecyclePolicy).inputs.policy)).toContain('"daysAfterModificationGreaterThan":365');
  const step = single(run, T.task).inputs.step as { encodedTaskContent: string };
  expect(Buffer.from(step.encodedTaskContent, "base64").toString()).toContain("acr purge --filter '.*:pr-.*' --ago 30d --keep 10 --untagged");
});
