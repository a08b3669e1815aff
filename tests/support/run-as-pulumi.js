// Loads the stack program exactly as `pulumi up` does: @pulumi/pulumi's own cmd/run/run.js, with
// the environment the Pulumi CLI gives it for this Pulumi.yaml (PULUMI_NODEJS_TYPESCRIPT from
// `typescript: true`, PULUMI_NODEJS_TSCONFIG_PATH from `tsconfig`), but under the SDK's mock engine
// instead of a deployment. Prints what it learned as JSON on stdout.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");
// run.js requires cmd/run/index.js, the language host's entry, which starts a run against a real
// engine as it loads; stand in for it with the one value run.js reads from it.
const entry = require.resolve("@pulumi/pulumi/cmd/run/index.js");
require.cache[entry] = { id: entry, filename: entry, loaded: true, exports: { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 } };
const { run } = require("@pulumi/pulumi/cmd/run/run");

const registered = [];
const mocks = {
  newResource: (args) => {
    registered.push(args.type);
    // Just enough of Azure's and Entra ID's answers for the program to finish: names, a random suffix, a login server.
    const state = {
      ...args.inputs,
      name: args.name,
      result: "abcd1234",
      clientId: "c",
      objectId: "o",
      principalId: "p",
      properties: { loginServer: "x.azurecr.io" },
    };
    return { id: `${args.name}-id`, state };
  },
  call: (args) => ({ subscriptionId: "s", tenantId: "t", objectId: "o", clientId: "c", ...args.inputs }),
};

(async () => {
  pulumi.runtime.setAllConfig({ "azure-native:location": "westeurope" });
  await pulumi.runtime.setMocks(mocks, "acr-infra", "dev");
  const started = Date.now();
  let failure;
  await run(
    { _: ["index.ts"] },
    () => undefined,
    (error) => (failure = error),
    () => false,
  );
  await pulumi.runtime.disconnect();
  // run.js keeps handlers that report later errors; the answer is complete now.
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(process.env.PULUMI_NODEJS_TSCONFIG_PATH);
  const { typescriptRequire } = tsutils.typeScriptRequireStrings();
  process.stdout.write(
    JSON.stringify({
      failure: failure && String(failure.message ?? failure),
      registered,
      transpileOnly: compilerOptions.noCheck === true,
      typescript: typescriptRequire,
      typescriptVersion: require(typescriptRequire).version,
      ms: Date.now() - started,
    }),
  );
  process.exit(failure ? 1 : 0);
})();
