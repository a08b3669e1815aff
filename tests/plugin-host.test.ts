// The plugin as the Pulumi CLI starts it: the nodejs language host runs @pulumi/pulumi's
// cmd/run-plugin with the plugin's program (pulumi-language-nodejs RunPlugin: `node
// <run-plugin> <program directory> <engine args>`). Here it is given the entry point
// PulumiPlugin.yaml names; the plugin must print its port and answer GetSchema over gRPC with
// the schema `npm run schema` prints. No Pulumi CLI is needed.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { load } from "js-yaml";
import { PackageSchema, packageSchema } from "../provider/schema";
import { ROOT } from "./support/stacks";

// The SDK's generated gRPC client and messages (plain JavaScript, no types).
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { GetSchemaRequest } = require("@pulumi/pulumi/proto/provider_pb");

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill();
});

/** Starts the plugin and resolves with the port it prints on its first line. */
function startPlugin(program: string): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin"), program], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let errors = "";
    child.stderr!.on("data", (chunk) => (errors += String(chunk)));
    child.stdout!.once("data", (chunk) => resolve(String(chunk).trim()));
    child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port: ${errors}`)));
  });
}

test("the entry point serves the package schema over gRPC, as the CLI asks for it", async () => {
  const plugin = load(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8")) as { main: string };
  const port = await startPlugin(path.join(ROOT, plugin.main));
  expect(port).toMatch(/^\d+$/);
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const served = await new Promise<PackageSchema>((resolve, reject) =>
    client.getSchema(new GetSchemaRequest(), (error: Error | null, response: { getSchema(): string }) =>
      error ? reject(error) : resolve(JSON.parse(response.getSchema()) as PackageSchema),
    ),
  );
  client.close();
  expect(served).toEqual(await packageSchema());
  expect(served.resources["acr-infra:index:ContainerRegistry"].properties.adminPassword.secret).toBe(true);
}, 120000);
