/**
 * acr-infra/testing: run a Pulumi program that uses the ContainerRegistry component under the SDK's
 * mock engine with realistic Azure answers, and look at what it would build.
 *
 *     const run = await runProgram({ program: () => require("./index"), config: { "acr-infra:sku": "Premium" } });
 *     expect(run.resources.find((r) => r.type === "azure-native:containerregistry:Registry")?.inputs.sku).toEqual({ name: "Premium" });
 */
export { AzureMocks, MOCK_DEPLOYER, MOCK_SECRET_PREFIX, MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, mockGuid } from "./azure-mocks";
export type { AzureMocksOptions } from "./azure-mocks";
export { SECRET_MASK, resolveValue, runProgram } from "./harness";
export type { PlannedResource, ProgramRun, RunOptions } from "./harness";
export { readStackFile } from "./stack-config";
export type { StackConfig } from "./stack-config";
