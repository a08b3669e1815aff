/**
 * acr-infra/testing: run a Pulumi program that uses the ContainerRegistry component under the SDK's
 * mock engine with realistic Azure answers, and look at what it would build.
 *
 *     const run = await planProgram({ program: () => require("../index"), stack: "prod", production: true });
 *     expect(run.registries()[0].settings.sku).toEqual({ name: "Premium" });
 *     expect(run.policyViolations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
 */
export {
  AzureMocks,
  MOCK_DEPLOYER,
  MOCK_SECRET_PREFIX,
  MOCK_SUBSCRIPTION_ID,
  MOCK_TENANT_ID,
  mockAcrInfraStackOutputs,
  mockGuid,
  mockPasswordValue,
} from "./azure-mocks";
export type { AzureMocksOptions } from "./azure-mocks";
export { SECRET_MASK, requireProgram, resolveValue, runProgram } from "./harness";
export type { PlannedResource, ProgramRun, RunOptions } from "./harness";
export { planProgram, registrySettings } from "./plan";
export type { CheckedRun } from "./plan";
export type { PolicyViolation } from "../policy/evaluate";
export { readStackFile } from "./stack-config";
export type { StackConfig } from "./stack-config";
