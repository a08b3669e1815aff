import * as pulumi from "@pulumi/pulumi";
import { MOCK_SECRET_PREFIX, ProgramRun } from "../testing";
import { T, ofType, registrySettings, runStack, single } from "./support/stacks";

let run: ProgramRun;
beforeAll(async () => {
  // The secrets' rotation windows come from the clock: pin it.
  jest.spyOn(Date, "now").mockReturnValue(Date.parse("2026-11-29T12:00:00Z"));
  run = await runStack("dev");
});

test("dev declares the whole setup under one component", () => {
  const children = run.resources.filter((r) => r.type !== T.component && r.type !== T.stack);
  for (const type of [
    T.resourceGroup,
    T.registry,
    T.storageAccount,
    T.diagnosticSetting,
    T.lifecyclePolicy,
    T.application,
    T.servicePrincipal,
    T.password,
    T.roleAssignment,
    T.task,
  ]) {
    expect(ofType(run, type).length).toBeGreaterThanOrEqual(1);
  }
  const component = single(run, T.component);
  for (const child of children) expect(child.parent).toBe(component.urn);
});

test("dev is cheap: Basic, nothing protected, short-lived staggered CI secrets, short log retention", () => {
  expect(registrySettings(single(run, T.registry))).toMatchObject({
    sku: { name: "Basic" },
    adminUserEnabled: false,
    location: "westeurope",
  });
  expect(run.resources.some((r) => r.protect)).toBe(false);
  // 10-day windows: 2026-11-23 (slot a, window 2078) and 2026-11-13 (slot b), each ending 30 days after it began.
  expect(ofType(run, T.password).map((p) => [p.name, p.inputs.endDate])).toEqual([
    ["acr-ci-a", "2026-12-23T00:00:00Z"],
    ["acr-ci-b", "2026-12-13T00:00:00Z"],
  ]);
  expect(JSON.stringify(single(run, T.lifecyclePolicy).inputs.policy)).toContain('"daysAfterModificationGreaterThan":30');
});

test("stack outputs: exactly the documented keys; no admin credentials while the admin user is off", () => {
  expect(Object.keys(run.outputs).sort()).toEqual(
    [
      "loginServer",
      "registryId",
      "registryName",
      "resourceGroupName",
      "servicePrincipalClientId",
      "servicePrincipalClientSecret",
      "servicePrincipalClientSecretExpiresAt",
      "servicePrincipalClientSecretRenewsAt",
      "servicePrincipalObjectId",
      "storageAccountName",
      "tenantId",
    ].sort(),
  );
  expect(run.outputs.servicePrincipalClientSecret).toBe("[secret]");
});

test("the client secret is a Pulumi secret, and no secret value appears in the recorded plan", async () => {
  expect(await pulumi.isSecret(run.exports.servicePrincipalClientSecret as pulumi.Output<string>)).toBe(true);
  expect(JSON.stringify(run)).not.toContain(MOCK_SECRET_PREFIX);
});

test("dev with the admin user on exports username and a secret password", async () => {
  const withAdmin = await runStack("dev", { "acr-infra:adminUserEnabled": true });
  expect(withAdmin.outputs.adminPassword).toBe("[secret]");
  expect(withAdmin.outputs.adminUsername).toBe(withAdmin.outputs.registryName);
});
