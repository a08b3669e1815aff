import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DEFAULTS, resolveArgs } from "../components";
import { ROOT } from "./support/stacks";

type Declared = Record<string, { type?: string; default?: unknown }>;
const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; main?: string; config: Declared };

test("Pulumi runs the stack program, not the library that package.json exports", () => {
  // Pulumi's Node.js host takes Pulumi.yaml's main first, then package.json exports["."].
  expect(project.main).toBe("index.ts");
  expect(fs.readFileSync(path.join(ROOT, "index.ts"), "utf8")).toContain("containerRegistryFromConfig(");
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  expect(pkg.exports["."].default).toBe("./dist/components/index.js");
});

test("the project is acr-infra, and Pulumi.yaml declares exactly the component's settings", () => {
  expect(project.name).toBe("acr-infra");
  // resolveArgs rejects unknown keys, so a declared key it accepts is a real setting.
  const declaredDefaults = Object.fromEntries(Object.entries(project.config).map(([key, d]) => [key, d.default]));
  expect(() => resolveArgs(declaredDefaults)).not.toThrow();
  const settings = Object.keys(resolveArgs({}));
  expect(Object.keys(project.config).sort()).toEqual(settings.sort());
});

test("Pulumi.yaml's defaults are the component's defaults", () => {
  for (const [key, value] of Object.entries(DEFAULTS)) expect([key, project.config[key].default]).toEqual([key, value]);
  // Settings without a default are declared empty ("" or []), which the component reads as unset.
  expect(resolveArgs(Object.fromEntries(Object.entries(project.config).map(([k, d]) => [k, d.default])))).toEqual(resolveArgs({}));
});
