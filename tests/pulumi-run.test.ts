// `pulumi up` loads the program with @pulumi/pulumi's own cmd/run/run.js: here it does so as the
// Pulumi CLI would for this Pulumi.yaml (runtime options typescript and tsconfig), under the SDK's
// mock engine (tests/support/run-as-pulumi.js). It must load without type-checking (npm test and
// CI do that) and with the project's own TypeScript, which is a dependency so that a production
// install (`npm ci --omit=dev`) has it: without it, run.js falls back to a vendored TypeScript 3.8
// that cannot read this project.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ROOT } from "./support/stacks";

const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
  runtime: { options: { typescript: boolean; tsconfig: string } };
};

test("the program loads as `pulumi up` loads it: transpile-only, with the project's TypeScript, declaring the stack", () => {
  const { typescript, tsconfig } = project.runtime.options;
  const child = spawnSync(process.execPath, [path.join(ROOT, "tests", "support", "run-as-pulumi.js")], {
    cwd: ROOT,
    encoding: "utf8",
    // What the Pulumi CLI's Node.js language host sets from Pulumi.yaml's runtime options.
    env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: String(typescript), PULUMI_NODEJS_TSCONFIG_PATH: tsconfig },
    timeout: 60_000,
  });
  expect(child.status).toBe(0);
  const result = JSON.parse(child.stdout) as {
    failure?: string;
    registered: string[];
    transpileOnly: boolean;
    typescript: string;
    typescriptVersion: string;
  };
  expect(result.failure).toBeUndefined();
  expect(result.transpileOnly).toBe(true);
  expect(result.typescript).toBe("typescript");
  expect(result.typescriptVersion).toMatch(/^5\./);
  expect(result.registered).toEqual(expect.arrayContaining(["acr-infra:index:ContainerRegistry", "azure-native:resources:Resource"]));
});

test("TypeScript is a production dependency, and the tsconfig Pulumi reads turns type-checking off by itself", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.dependencies.typescript).toBeDefined();
  expect(pkg.devDependencies.typescript).toBeUndefined();
  // run.js reads compilerOptions.noCheck from that very file, without following "extends".
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, project.runtime.options.tsconfig), "utf8").replace(/^\s*\/\/.*$/gm, "")) as {
    extends?: string;
    compilerOptions: { noCheck?: boolean };
  };
  expect(tsconfig.compilerOptions.noCheck).toBe(true);
  expect(tsconfig.extends).toBeUndefined();
});
