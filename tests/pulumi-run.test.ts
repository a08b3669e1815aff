// `pulumi up` loads the program with @pulumi/pulumi's own cmd/run/run.js: here it does so as the
// Pulumi CLI's language host would for this Pulumi.yaml (node arguments and environment from its
// runtime options, tests/support/language-host.js), under the SDK's mock engine
// (tests/support/run-as-pulumi.js). It must load without ts-node's type-check (npm test and CI do
// that), and with what a production install (`npm ci --omit=dev`) has.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./support/stacks";

const { languageHostLaunch } = require("./support/language-host") as {
  languageHostLaunch: (dir: string) => { nodeArgs: string[]; env: Record<string, string>; options: Record<string, unknown> };
};

interface Loaded {
  failure?: string;
  registered: string[];
  tsNode: boolean;
  swc: boolean;
}

function loadAsPulumiUp(preload: string[] = [], extraEnv: Record<string, string> = {}): Loaded {
  const { nodeArgs, env } = languageHostLaunch(ROOT);
  const child = spawnSync(process.execPath, [...preload, ...nodeArgs, path.join(ROOT, "tests", "support", "run-as-pulumi.js")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env, ...extraEnv },
    timeout: 60_000,
  });
  expect(child.stderr).not.toMatch(/error/i);
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as Loaded;
}

const STACK_TYPES = ["acr-infra:index:ContainerRegistry", "azure-native:resources:Resource", "azuread:index/application:Application"];

test("the program loads as `pulumi up` loads it: through the project's loader, no ts-node, declaring the stack", () => {
  const { options } = languageHostLaunch(ROOT);
  // Pulumi.yaml turns the runtime's own TypeScript support (ts-node) off and preloads the loader.
  expect(options).toMatchObject({ typescript: false, nodeargs: "--require ./tools/register.js" });
  const loaded = loadAsPulumiUp();
  expect(loaded.failure).toBeUndefined();
  expect(loaded.tsNode).toBe(false);
  expect(loaded.registered).toEqual(expect.arrayContaining(STACK_TYPES));
});

test("after `npm ci --omit=dev` (no swc, no devDependency at all) it loads the same, transpiled by TypeScript", () => {
  // An empty cache (ACR_INFRA_CACHE), as after `npm ci`: every file is transpiled, and with swc
  // never loaded, by TypeScript.
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "acr-loader-cache-"));
  const loaded = loadAsPulumiUp(["--require", path.join(ROOT, "tests", "support", "without-dev-dependencies.js")], {
    ACR_INFRA_CACHE: cache,
  });
  expect(loaded.failure).toBeUndefined();
  expect([loaded.tsNode, loaded.swc]).toEqual([false, false]);
  expect(loaded.registered).toEqual(expect.arrayContaining(STACK_TYPES));
  expect(loaded.registered).toEqual(loadAsPulumiUp().registered);
  // What it transpiled and compiled is kept for the next run.
  expect(fs.readdirSync(cache).sort()).toEqual(["acr-infra-ts", "acr-infra-v8"]);
  expect(fs.readdirSync(path.join(cache, "acr-infra-ts")).length).toBeGreaterThan(10);
  fs.rmSync(cache, { recursive: true, force: true });
});

test("the check for ts-node sees it where Pulumi's own TypeScript support loads it", () => {
  // The same program with Pulumi.yaml's runtime option typescript: true (the default): ts-node, vendored in the SDK.
  const { nodeArgs } = languageHostLaunch(ROOT);
  const child = spawnSync(process.execPath, [...nodeArgs, path.join(ROOT, "tests", "support", "run-as-pulumi.js")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    timeout: 60_000,
  });
  expect((JSON.parse(child.stdout) as Loaded).tsNode).toBe(true);
});

test("what the loader needs is a production dependency: TypeScript, and the loader's own files are in the repository", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.dependencies.typescript).toBeDefined();
  expect(pkg.devDependencies.typescript).toBeUndefined();
  for (const file of ["tools/register.js", "tools/package-entries.js"]) expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
});
