/**
 * acr-infra/testing: unit-test a Pulumi program that uses the ContainerRegistry component, without
 * Azure. `planProgram` runs it under the Pulumi SDK's mock engine with realistic Azure answers and
 * checks it against the registry security policies; call it as often as a test file needs.
 *
 *     const { config } = readStackFile(path.join(__dirname, "..", "Pulumi.prod.yaml"));
 *     const run = await planProgram({ program: path.join(__dirname, "..", "index.ts"), stack: "prod", config, production: true });
 *     expect(run.registries()[0].settings.sku).toEqual({ name: "Premium" });
 *     expect(run.policyViolations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
 *
 * What it exports, and nothing else:
 * - `planProgram` and its types: `PlanOptions` (the program as a file or a function, project, stack,
 *   config, mocks, production), `CheckedRun` (what it returns), `ProgramRun`, `PlannedResource`,
 *   `PolicyViolation`;
 * - `readStackFile` (config from a `Pulumi.<stack>.yaml`) and `StackConfig`;
 * - the Azure mocks, to give other answers: `AzureMocks`, `AzureMocksOptions`, `ResourceMock`,
 *   `CallMock`; and the values they answer with that a test compares against: `MOCK_SECRET_PREFIX`
 *   (every mock secret starts with it), `MOCK_SUBSCRIPTION_ID`, `MOCK_TENANT_ID`, and
 *   `mockAcrInfraStackOutputs` (what a StackReference to an acr-infra stack returns).
 *
 * The harness's parts (runProgram, value resolution, the fingerprints) are this repository's own
 * and are imported from their modules by its tests and tools.
 */
export { AzureMocks, MOCK_SECRET_PREFIX, MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, mockAcrInfraStackOutputs } from "./azure-mocks";
export type { AzureMocksOptions, CallMock, ResourceMock } from "./azure-mocks";
export type { PlannedResource, ProgramRun } from "./harness";
export { planProgram } from "./plan";
export type { CheckedRun, PlanOptions } from "./plan";
export type { PolicyViolation } from "../policy/evaluate";
export { readStackFile } from "./stack-config";
export type { StackConfig } from "./stack-config";
