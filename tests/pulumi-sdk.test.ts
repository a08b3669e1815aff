// What testing/harness.ts relies on in the Pulumi SDK beyond its typed API (tsc checks that part,
// and the request getters against proto/resource_pb.d.ts): the mock monitor that setMocks installs
// (runtime/mocks.js, MockMonitor) and that each setMocks starts a new deployment. These were read
// in @pulumi/pulumi 3.276.0; each check names the SDK file to read again when one fails.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ReadResourceRequest, RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AzureMocks } from "../testing";
import { runProgram } from "../testing/harness";
import { CHECKED_AGAINST, installedVersions } from "../tools/plan/lean-sdk";

const READ_IN = "3.276.0";
const installed = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;

/** Fails with what changed, where, and since which version. */
function pinned(file: string, what: string, holds: boolean, reliant = "testing/harness.ts"): void {
  if (!holds) {
    throw new Error(
      `@pulumi/pulumi ${installed} changed ${file}: ${what} (as read in ${READ_IN}). ${reliant} relies on it: adapt it and this pin.`,
    );
  }
}

interface MonitorMethods {
  registerResource?: unknown;
  readResource?: unknown;
  newUrn?: unknown;
}
type Answer = (error: unknown, response?: { getUrn(): string }) => void;
interface MockMonitor {
  registerResource(request: RegisterResourceRequest, callback: Answer): Promise<void>;
  readResource(request: ReadResourceRequest, callback: Answer): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}

describe("the mock monitor that setMocks installs", () => {
  let monitor: MockMonitor;
  beforeEach(async () => {
    await pulumi.runtime.setMocks(new AzureMocks(), "pins", "sdk");
    monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  });

  test("is what getMonitor() returns, with registerResource, readResource and newUrn on it", () => {
    const methods = monitor as unknown as MonitorMethods;
    for (const name of ["registerResource", "readResource", "newUrn"] as const) {
      pinned(
        "runtime/mocks.js (MockMonitor) and runtime/settings.js (getMonitor)",
        `the monitor has no ${name} method`,
        typeof methods[name] === "function",
      );
    }
  });

  test("names what it registers and what it reads by calling its own newUrn", async () => {
    monitor.newUrn = (parent, type, name) => `urn:from-newUrn:${parent}:${type}:${name}`;
    const urnOf = (send: (callback: Answer) => Promise<void>) =>
      new Promise<string | undefined>((resolve) => void send((_, response) => resolve(response?.getUrn())));

    const register = new RegisterResourceRequest();
    register.setType("pins:index:Thing");
    register.setName("thing");
    register.setParent("urn:parent");
    register.setObject(Struct.fromJavaScript({}));
    const registered = await urnOf((callback) => monitor.registerResource(register, callback));
    pinned(
      "runtime/mocks.js (MockMonitor.registerResource)",
      "the URN no longer comes from this.newUrn",
      registered === "urn:from-newUrn:urn:parent:pins:index:Thing:thing",
    );

    const read = new ReadResourceRequest();
    read.setType("pins:index:Thing");
    read.setName("existing");
    read.setId("existing-id");
    read.setProperties(Struct.fromJavaScript({}));
    const readUrn = await urnOf((callback) => monitor.readResource(read, callback));
    pinned(
      "runtime/mocks.js (MockMonitor.readResource)",
      "the URN no longer comes from this.newUrn",
      readUrn === "urn:from-newUrn::pins:index:Thing:existing",
    );
  });
});

test("each setMocks starts a new deployment: the next run has its own project, stack and root stack", async () => {
  const program = () => ({ created: new pulumi.ComponentResource("pins:index:Part", "part").urn });
  const first = await runProgram({ project: "one", stack: "a", program });
  const second = await runProgram({ project: "two", stack: "b", program });
  const urns = (run: typeof first) => run.resources.map((r) => r.urn);
  pinned(
    "runtime/settings.js (setMockOptions, resetOptions) and runtime/stack.js (runInPulumiStack)",
    "a second run does not start afresh",
    JSON.stringify(urns(second)) ===
      JSON.stringify(["urn:pulumi:b::two::pins:index:Part::part", "urn:pulumi:b::two::pulumi:pulumi:Stack::two-b"]),
  );
  // The harness's newUrn leaves the root stack out of its children's URNs, as the engine does.
  expect(urns(first)).toEqual(["urn:pulumi:a::one::pins:index:Part::part", "urn:pulumi:a::one::pulumi:pulumi:Stack::one-a"]);
  expect(second.outputs).toEqual({ created: "urn:pulumi:b::two::pins:index:Part::part" });
});

test("the offline plan can skip the SDK's promise-leak bookkeeping: one function, looked up on its module at each call", () => {
  // tools/plan/lean-sdk.ts replaces debuggablePromise; that reaches every caller only while they call it through the module.

  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: unknown };
  pinned(
    "runtime/debuggable.js",
    "debuggablePromise is an exported function",
    typeof debuggable.debuggablePromise === "function",
    "tools/plan/lean-sdk.ts",
  );
  for (const file of ["resource.js", "rpc.js", "invoke.js", "settings.js"]) {
    const source = fs.readFileSync(require.resolve(`@pulumi/pulumi/runtime/${file}`), "utf8");
    const calls = [...source.matchAll(/([\w.]*)debuggablePromise\(/g)].map((match) => match[1]);
    pinned(
      `runtime/${file}`,
      "every call is debuggable_1.debuggablePromise(...), through the module",
      calls.length > 0 && calls.every((prefix) => prefix === "debuggable_1."),
      "tools/plan/lean-sdk.ts",
    );
  }
});

test("the offline plan can skip source positions and make outputs when read: each replaced where the SDK looks it up", () => {
  const sdkSource = (file: string) => fs.readFileSync(require.resolve(`@pulumi/pulumi/${file}`), "utf8");
  const calls = (source: string, name: string) => [...source.matchAll(new RegExp(`([\\w.]*)\\b${name}\\(`, "g"))].map((m) => m[1]);
  const resource = sdkSource("resource.js");
  pinned(
    "resource.js",
    "the Resource constructor finds its source position with Resource.stackTrace(...), a static method looked up on the class",
    JSON.stringify(calls(resource, "stackTrace")) === JSON.stringify(["Resource.", ""]) && resource.includes("static stackTrace(skip) {"),
    "tools/plan/lean-sdk.ts",
  );
  const runtimeResource = sdkSource("runtime/resource.js");
  pinned(
    "runtime/resource.js",
    "registerResource makes a resource's outputs with rpc_1.transferProperties(res, label, props), through the module",
    calls(runtimeResource, "transferProperties").length > 0 &&
      calls(runtimeResource, "transferProperties").every((prefix) => prefix === "rpc_1."),
    "tools/plan/lean-sdk.ts",
  );
  const rpc = sdkSource("runtime/rpc.js");
  pinned(
    "runtime/rpc.js",
    "transferProperties gives each property a resolver (v, isKnown, isSecret, deps = [], err), skips id and urn, and refuses a property set twice",
    rpc.includes("resolvers[k] = (v, isKnown, isSecret, deps = [], err) => {") &&
      rpc.includes('if (k === "id" || k === "urn") {') &&
      rpc.includes("is already initialized on target"),
    "tools/plan/lean-sdk.ts",
  );
  pinned(
    "output.js",
    "an Output is made as new Output(resources, promise, isKnown, isSecret, allResources)",
    sdkSource("output.js").includes("constructor(resources, promise, isKnown, isSecret, allResources) {"),
    "tools/plan/lean-sdk.ts",
  );
});

test("the offline plan's Structs are read only as the SDK reads them: no message is cloned, compared or turned into an array", () => {
  // tools/plan/lean-sdk.ts keeps a Struct as its value; google-protobuf's array-based methods would see it empty.
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? files(file) : entry.name.endsWith(".js") ? [file] : [];
    });
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  for (const file of [...files(path.join(sdk, "runtime")), ...files(path.join(sdk, "cmd"))]) {
    const source = fs.readFileSync(file, "utf8");
    pinned(
      path.relative(sdk, file),
      "no cloneMessage(), clone(), jspb.Message.equals, toArray() or toObject() on a message",
      !/cloneMessage\(|\.clone\(\)|Message\.equals|\.toArray\(\)|\.toObject\(/.test(source),
      "tools/plan/lean-sdk.ts",
    );
  }
});

test("the installed SDK and google-protobuf are the versions the offline plan's replacements were checked against", () => {
  // Elsewhere (a team's newer SDK) the plan runs the SDK as shipped; here, it must run the lean one that these tests check.
  pinned(
    "package.json",
    `is one of ${CHECKED_AGAINST["@pulumi/pulumi"].join(", ")}`,
    CHECKED_AGAINST["@pulumi/pulumi"].includes(installed),
    "tools/plan/lean-sdk.ts (CHECKED_AGAINST)",
  );
  expect(CHECKED_AGAINST["google-protobuf"]).toContain(installedVersions()["google-protobuf"]);
});
