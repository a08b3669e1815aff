// The package as another team gets it: pack the project, install the tarball into a fresh Pulumi
// TypeScript program, type-check that program against it, unit-test it with acr-infra/testing, and
// plan it offline with the installed acr-infra command.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./support/stacks";

const PROGRAM = `import { ContainerRegistry, ContainerRegistryArgs } from "acr-infra";

const args: ContainerRegistryArgs = { sku: "Premium", location: "westeurope", zoneRedundancy: true, pullIdentity: true };
const registry = new ContainerRegistry("shop", args);

export const loginServer = registry.loginServer;
export const pullIdentityClientId = registry.pullIdentityClientId;
`;

// Twice, as a test file may: each run loads index.ts afresh and names the project from Pulumi.yaml.
const UNIT_TEST = `const path = require("path");
const { planProgram } = require("acr-infra/testing");
const plan = (stack) => planProgram({ stack, config: { "azure-native:location": "westeurope" }, program: path.join(__dirname, "index.ts") });
plan("ci").then(async (run) => {
  const again = await plan("staging");
  process.stdout.write(JSON.stringify({ types: run.resources.map((r) => r.type), registries: run.registries().map((r) => r.settings.sku), violations: run.policyViolations.length,
    projects: [run.project, again.project], counts: [run.resources.length, again.resources.length] }));
});
`;

let dir: string;
const run = (command: string, args: string[]) =>
  execFileSync(command, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-infra-consumer-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
  );
  const tarball = path.join(dir, packed[0].filename);
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "shop-infra",
      private: true,
      main: "index.ts",
      dependencies: { "acr-infra": `file:${tarball}`, "@pulumi/pulumi": own.dependencies["@pulumi/pulumi"] },
      devDependencies: { typescript: own.devDependencies.typescript, "@types/node": own.devDependencies["@types/node"] },
    }),
  );
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        esModuleInterop: true,
        skipLibCheck: true,
        types: ["node"],
      },
      files: ["index.ts"],
    }),
  );
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  fs.writeFileSync(path.join(dir, "Pulumi.ci.yaml"), "config:\n  azure-native:location: westeurope\n");
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  fs.writeFileSync(path.join(dir, "unit.js"), UNIT_TEST);
  // Packages come from the npm cache that installing this project filled.
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"]);
}, 300_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the tarball holds the built package and its declarations, not the sources or tests", () => {
  const installed = path.join(dir, "node_modules", "acr-infra");
  for (const file of [
    "dist/components/index.js",
    "dist/components/index.d.ts",
    "dist/testing/index.js",
    "dist/policy/rules.js",
    "dist/policy/registry-rules.js",
    "LICENSE",
    "dist/tools/run.js",
    "CHANGELOG.md",
    "README.md",
  ]) {
    expect(fs.existsSync(path.join(installed, file))).toBe(true);
  }
  for (const absent of ["components/index.ts", "tests", "index.ts", "dist/tests"])
    expect(fs.existsSync(path.join(installed, absent))).toBe(false);
});

test("a fresh program type-checks against the package", () => {
  expect(() => run(path.join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."])).not.toThrow();
});

test("the program is unit-tested with acr-infra/testing", () => {
  const result = JSON.parse(run(process.execPath, ["-r", "./node_modules/acr-infra/dist/tools/register.js", "unit.js"]));
  expect(result.types).toEqual(
    expect.arrayContaining(["azure-native:resources:Resource", "azure-native:managedidentity:UserAssignedIdentity"]),
  );
  expect(result.registries).toEqual([{ name: "Premium" }]);
  expect(result.projects).toEqual(["shop", "shop"]);
  expect(result.counts[1]).toBe(result.counts[0]);
});

test("the installed acr-infra command plans the program offline", () => {
  const plan = JSON.parse(run(path.join(dir, "node_modules", ".bin", "acr-infra"), ["plan", "--stack", "ci", "--format", "json"]));
  expect(plan.project).toBe("shop");
  const registry = plan.resources.find((r: { type: string }) => r.type === "azure-native:resources:Resource");
  expect(registry.inputs).toMatchObject({ sku: { name: "Premium" }, properties: { zoneRedundancy: "Enabled" } });
  expect(plan.outputs.loginServer).toMatch(/^acrinfra|^shopci/);
});
