// The TypeScript loader (tools/register.js) that `npm run plan`, the image tool and the installed
// acr-infra command run through, and the one mapping from package names to sources that it, jest
// and tsconfig.json share (tools/package-entries.js). The installed package, where nothing is
// mapped, is tests/package.test.ts's; `pulumi up` loads it through Pulumi.yaml's nodeargs
// (tests/pulumi-run.test.ts).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "./support/stacks";

const { sourceEntries } = require("../tools/package-entries") as { sourceEntries: (root?: string) => Record<string, string> };
const REGISTER = path.join(ROOT, "tools", "register.js");

function node(args: string[], cwd = ROOT) {
  const child = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("the package names and their sources, written once", () => {
  const entries = sourceEntries(ROOT);

  test("derived from package.json exports: dist/<x>.js is built from <x>.ts, which exists", () => {
    expect(entries).toEqual({
      "acr-infra": "components/index.ts",
      "acr-infra/testing": "testing/index.ts",
      "acr-infra/policy": "policy/rules.ts",
    });
    for (const source of Object.values(entries)) expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
  });

  test("tsconfig.json's paths say the same (it cannot read them from package.json)", () => {
    const { config } = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), (file) => ts.sys.readFile(file)) as {
      config: { compilerOptions: { paths: Record<string, string[]> } };
    };
    const expected = Object.fromEntries(Object.entries(entries).map(([name, source]) => [name, [`./${source}`]]));
    const drift = [
      ...Object.keys(expected)
        .filter((name) => JSON.stringify(config.compilerOptions.paths[name]) !== JSON.stringify(expected[name]))
        .map(
          (name) =>
            `${name}: tsconfig.json has ${JSON.stringify(config.compilerOptions.paths[name])}, package.json exports mean ${JSON.stringify(expected[name])}`,
        ),
      ...Object.keys(config.compilerOptions.paths)
        .filter((name) => !(name in expected))
        .map((name) => `${name}: in tsconfig.json's paths, not in package.json exports`),
    ];
    expect(drift).toEqual([]);
  });

  test("jest maps the same names to the same sources", () => {
    const { moduleNameMapper } = require("../jest.config") as { moduleNameMapper: Record<string, string> };
    const mapped = Object.fromEntries(
      Object.entries(moduleNameMapper).map(([pattern, target]) => [pattern.replace(/^\^|\$$/g, "").replace(/\\/g, ""), target]),
    );
    expect(mapped).toEqual(Object.fromEntries(Object.entries(entries).map(([name, source]) => [name, `<rootDir>/${source}`])));
  });
});

describe("the loader", () => {
  test("runs a team's TypeScript program from anywhere: package names, extensionless imports, folders, enums", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-loader-"));
    fs.mkdirSync(path.join(dir, "lib"));
    fs.writeFileSync(path.join(dir, "lib", "index.ts"), "export const fromFolder: string = 'folder';\n");
    fs.writeFileSync(path.join(dir, "names.ts"), "export enum Sku { Premium = 'Premium' }\n");
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      [
        'import { readStackFile } from "acr-infra/testing";',
        'import { adminUserDisabled } from "acr-infra/policy";',
        'import { ContainerRegistry } from "acr-infra";',
        'import { fromFolder } from "./lib";',
        'import { Sku } from "./names";',
        "const out: Record<string, unknown> = { readStackFile: typeof readStackFile, policy: adminUserDisabled.name, component: typeof ContainerRegistry, fromFolder, sku: Sku.Premium };",
        "process.stdout.write(JSON.stringify(out));",
      ].join("\n"),
    );
    try {
      const result = node(["-r", REGISTER, path.join(dir, "main.ts")]);
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual({
        readStackFile: "function",
        policy: "acr-admin-user-disabled",
        component: "function",
        fromFolder: "folder",
        sku: "Premium",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("uses Node's module hooks: Module._resolveFilename and require.extensions stay Node's own", () => {
    const script = [
      'const Module = require("module");',
      "const resolve = Module._resolveFilename;",
      "const extensions = Object.entries(require.extensions);",
      `require(${JSON.stringify(REGISTER)});`,
      "const same = Module._resolveFilename === resolve && Object.entries(require.extensions).every(([k, v], i) => extensions[i]?.[0] === k && extensions[i]?.[1] === v);",
      "process.stdout.write(String(same && Object.keys(require.extensions).length === extensions.length));",
    ].join("\n");
    expect(node(["-e", script]).stdout).toBe("true");
  });

  test("on a Node.js without module.registerHooks (before 22.15), says so in one line", () => {
    const result = node(["-e", `delete require("module").registerHooks; require(${JSON.stringify(REGISTER)});`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: acr-infra's tools need Node.js 22.15 or later (their TypeScript loader uses module.registerHooks); this is ${process.version}\n`,
    );
  });

  test("package.json's engines ask for that Node.js", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(">=22.15");
  });
});
