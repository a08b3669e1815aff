// Loads the stack program exactly as `pulumi up` does: @pulumi/pulumi's own cmd/run/run.js, started
// with the node arguments and environment the Pulumi CLI's language host gives it for this
// Pulumi.yaml (./language-host.js says which), but under the SDK's mock engine instead of a
// deployment. Prints what it learned as JSON on stdout.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const pulumi = require("@pulumi/pulumi");
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
  // A package's folder in any node_modules, or vendored with its version (the SDK's vendor/ts-node@7.0.1).
  const loaded = (name) => {
    const folder = new RegExp(`[\\\\/]${name.replace("/", "[\\\\/]")}(@[^\\\\/]+)?[\\\\/]`);
    return Object.keys(require.cache).some((file) => folder.test(file));
  };
  process.stdout.write(
    JSON.stringify({
      failure: failure && String(failure.message ?? failure),
      registered,
      // ts-node is what type-checks under `pulumi up`; TypeScript itself the SDK loads anyway.
      tsNode: loaded("ts-node"),
      swc: loaded("@swc/core"),
      ms: Date.now() - started,
    }),
  );
  process.exit(failure ? 1 : 0);
})();
