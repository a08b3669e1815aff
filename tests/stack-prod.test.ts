import * as pulumi from "@pulumi/pulumi";
import { ProgramRun, planProgram, readStackFile } from "../testing";
import * as path from "path";
import { ROOT, T, ofType, registrySettings, runStack, single } from "./support/stacks";

let run: ProgramRun;
beforeAll(async () => {
  run = await runStack("prod");
});

test("prod is Premium, zone-redundant with a zone-redundant replica, admin user off", () => {
  expect(registrySettings(single(run, T.registry))).toMatchObject({
    sku: { name: "Premium" },
    adminUserEnabled: false,
    anonymousPullEnabled: false,
    zoneRedundancy: "Enabled",
    dataEndpointEnabled: true,
  });
  expect(single(run, T.replication).inputs).toMatchObject({
    location: "northeurope",
    zoneRedundancy: "Enabled",
    regionEndpointEnabled: true,
  });
  expect(run.outputs.adminPassword).toBeUndefined();
});

test("prod is private: public network access and exports Disabled, a private endpoint in the DNS zone", () => {
  const registry = registrySettings(single(run, T.registry));
  expect(registry).toMatchObject({ publicNetworkAccess: "Disabled", networkRuleBypassOptions: "AzureServices" });
  expect(registry.policies).toMatchObject({ exportPolicy: { status: "disabled" } });
  const endpoint = single(run, T.privateEndpoint);
  expect(endpoint.inputs.privateLinkServiceConnections).toEqual([
    expect.objectContaining({ groupIds: ["registry"], privateLinkServiceId: expect.stringMatching(/\/registries\//) }),
  ]);
  expect(JSON.stringify(single(run, T.privateDnsZoneGroup).inputs)).toContain("privateDnsZones/privatelink.azurecr.io");
});

test("prod's scheduled purge reaches the private registry: tasks may bypass its network rules", () => {
  expect(registrySettings(single(run, T.registry)).networkRuleBypassAllowedForTasks).toBe(true);
  expect(single(run, T.task).inputs.identity).toEqual({ type: "SystemAssigned" });
});

test("prod keeps untagged manifests 30 days and refuses ARM-audience tokens explicitly", () => {
  expect(registrySettings(single(run, T.registry)).policies).toMatchObject({
    retentionPolicy: { status: "enabled", days: 30 },
    azureADAuthenticationAsArmPolicy: { status: "disabled" },
  });
});

test("prod protects and locks the registry and its storage", () => {
  expect(single(run, T.registry).protect).toBe(true);
  expect(single(run, T.storageAccount).protect).toBe(true);
  const locks = ofType(run, T.lock);
  expect(locks.map((l) => l.inputs.level)).toEqual(["CanNotDelete", "CanNotDelete"]);
  expect(locks.map((l) => String(l.inputs.scope).split("/providers/")[1].split("/")[0]).sort()).toEqual([
    "Microsoft.ContainerRegistry",
    "Microsoft.Storage",
  ]);
});

test("prod's CI identity is federated with GitHub Actions: AcrPush, and no secret exists at all", async () => {
  const credential = single(run, T.federatedCredential);
  expect(credential.inputs).toMatchObject({
    issuer: "https://token.actions.githubusercontent.com",
    audiences: ["api://AzureADTokenExchange"],
    subject: "repo:example-org/example-app:environment:production",
  });
  expect(ofType(run, T.password)).toEqual([]);
  expect(run.outputs.servicePrincipalClientSecret).toBeUndefined();
  const ci = ofType(run, T.roleAssignment).find((r) => r.name === "acr-ci-role")!;
  expect(ci.inputs.roleDefinitionId).toMatch(/8311e382-0749-4cb8-b61a-304f252e45ec$/);
  expect(await pulumi.isSecret(run.exports.servicePrincipalClientId as pulumi.Output<string>)).toBe(false);
});

test("prod's pull identity has AcrPull, and its ids are outputs", () => {
  const identity = single(run, T.userAssignedIdentity);
  const pull = ofType(run, T.roleAssignment).find((r) => r.name === "acr-pull-role")!;
  expect(pull.inputs).toMatchObject({
    principalType: "ServicePrincipal",
    roleDefinitionId: expect.stringMatching(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/),
  });
  expect(pull.dependsOn).toContain(identity.urn);
  expect(run.outputs).toMatchObject({
    pullIdentityId: expect.stringMatching(/\/userAssignedIdentities\//),
    pullIdentityClientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    pullIdentityPrincipalId: pull.inputs.principalId,
  });
});

test("prod keeps a year of audit logs and purges old pull-request images keeping the newest 10", () => {
  expect(JSON.stringify(single(run, T.lifecyclePolicy).inputs.policy)).toContain('"daysAfterModificationGreaterThan":365');
  const step = single(run, T.task).inputs.step as { encodedTaskContent: string };
  expect(Buffer.from(step.encodedTaskContent, "base64").toString()).toContain(
    "acr purge --filter '(?:.*):^(?:pr-.*)$' --ago 30d --keep 10 --untagged",
  );
});

test("a prod stack that serves App Service or Container Apps may accept ARM-audience tokens: an advisory, not a stop", async () => {
  // Their docs require the registry to accept ARM-audience tokens for managed-identity pulls.
  const { config, secretKeys } = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
  const serving = await planProgram({
    stack: "prod",
    production: true,
    config: { ...config, "acr-infra:armAudienceTokensEnabled": true },
    secretConfigKeys: secretKeys,
    program: path.join(ROOT, "index.ts"),
  });
  expect(serving.policyViolations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
  expect(serving.policyViolations.map((v) => [v.policy, v.enforcement])).toContainEqual(["acr-arm-audience-tokens-disabled", "advisory"]);
});
