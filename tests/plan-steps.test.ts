import { ContainerRegistry, ContainerRegistryArgs } from "../components";
import { runProgram } from "../testing/harness";
import { manualSteps } from "../tools/plan/steps";
import { runStack } from "./support/stacks";

/** The manual steps of one registry declared with these arguments. */
async function stepsOf(args: ContainerRegistryArgs): Promise<string[]> {
  // Declared, not returned: a program's return value is the stack's outputs.
  const run = await runProgram({
    stack: "steps",
    program: () => {
      new ContainerRegistry("acr", args);
    },
  });
  return manualSteps(run.resources, {});
}

// What the offline plan lists under "Before you deploy": the steps a deployment cannot take itself.
beforeAll(() => {
  jest.spyOn(Date, "now").mockReturnValue(Date.parse("2026-11-29T12:00:00Z"));
});

test("dev: the rotating CI secret is copied before the one CI holds expires, and role assignments need a grant", async () => {
  const run = await runStack("dev");
  const steps = manualSteps(run.resources, {});
  expect(steps).toContainEqual(
    expect.stringMatching(/copy the newer servicePrincipalClientSecret into CI before servicePrincipalClientSecretExpiresAt/),
  );
  // No lock in dev, so Role Based Access Control Administrator is enough for the role assignments
  // (it has roleAssignments/write, not locks/*: Management Locks REST API, 2016-09-01).
  expect(steps).toContainEqual(
    "The identity that deploys needs Owner, User Access Administrator or Role Based Access Control Administrator to create the role assignments (one-time grant).",
  );
  expect(steps.join("\n")).not.toMatch(/delete locks/);
});

test("locks need Owner or User Access Administrator, federated CI needs the subscription id too", async () => {
  const steps = await stepsOf({
    location: "westeurope",
    lock: "CanNotDelete",
    servicePrincipal: { role: "AcrPush", credential: "federated", github: { repository: "octo/app", branch: "main" } },
  });
  expect(steps).toContainEqual(
    "The identity that deploys needs Owner or User Access Administrator to create the delete locks and role assignments (one-time grant).",
  );
  expect(steps.join("\n")).not.toMatch(/Role Based Access Control Administrator/);
  expect(steps).toContainEqual(
    expect.stringMatching(/ACR_CLIENT_ID, ACR_TENANT_ID and ACR_NAME from the stack outputs and ACR_SUBSCRIPTION_ID from registryId/),
  );
  expect(steps.join("\n")).not.toMatch(/servicePrincipalClientSecret/);
});

test("tokens get a step naming each of them; purge logs name every purge task", async () => {
  const steps = (
    await stepsOf({
      location: "westeurope",
      sku: "Premium",
      ipRules: ["203.0.113.0/24"],
      scopeMaps: [{ name: "ci-read", actions: ["repositories/app/content/read"], tokens: [{ name: "ci-read" }, { name: "qa-read" }] }],
      purge: [
        { schedule: "0 3 * * *", filter: ".*:pr-.*", ago: "30d" },
        { schedule: "0 4 * * *", filter: ".*:nightly-.*", ago: "7d" },
      ],
    })
  ).join("\n");
  expect(steps).toMatch(/az acr token credential generate --registry <name> --name <token>\) for ci-read, qa-read:/);
  expect(steps).toContain("(az acr task logs --registry <name> --name <task>; tasks: purge-0, purge-1)");
});
