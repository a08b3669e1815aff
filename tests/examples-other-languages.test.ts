// The Python and YAML examples use the component through the Pulumi package (PulumiPlugin.yaml):
// neither can run here (no Pulumi CLI, no generated SDK), so this checks what can be checked
// offline: each names this repository as its package, every argument it passes (nested fields
// too) is an input of the package schema, every enum value is one the schema allows, every output
// it reads exists, the values pass the component's own validation, and the Python compiles.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { load } from "js-yaml";
import { CONTAINER_REGISTRY_TYPE } from "../components/container-registry";
import { resolveArgs } from "../components/settings";
import { PackageSchema, SchemaProperty, packageSchema } from "../provider/schema";
import { ROOT } from "./support/stacks";

const EXAMPLES = path.join(ROOT, "examples");
/** A value the example computes (an interpolation, a config value): its name is checked, not its value. */
const COMPUTED = "<computed>";

let schema: PackageSchema;
beforeAll(async () => {
  schema = await packageSchema();
}, 120000);

/** Every mistake in `value` against the schema property `property`, each naming its path. */
function problems(value: unknown, property: SchemaProperty, at: string): string[] {
  if (value === COMPUTED) return [];
  if (property.$ref) {
    const type = schema.types[property.$ref.replace(/^#\/types\//, "")];
    if (!type) return [`${at}: ${property.$ref} is not in the schema`];
    if (type.enum) {
      const allowed = type.enum.map((member) => member.value);
      return allowed.includes(value as string) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`];
    }
    return fields(value, type.properties ?? {}, at);
  }
  if (property.type === "array") {
    if (!Array.isArray(value)) return [`${at}: not a list`];
    return value.flatMap((item, index) => problems(item, property.items!, `${at}[${index}]`));
  }
  if (property.type === "object") {
    if (typeof value !== "object" || value === null) return [`${at}: not a map`];
    return Object.entries(value).flatMap(([key, item]) => problems(item, property.additionalProperties!, `${at}.${key}`));
  }
  const kind = property.type === "number" || property.type === "integer" ? "number" : property.type;
  return typeof value === kind ? [] : [`${at}: ${JSON.stringify(value)} is not a ${property.type}`];
}

function fields(value: unknown, properties: Record<string, SchemaProperty>, at: string): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: not an object`];
  return Object.entries(value).flatMap(([key, item]) =>
    properties[key]
      ? problems(item, properties[key], at ? `${at}.${key}` : key)
      : [`${at ? `${at}.` : ""}${key}: not an input of the package`],
  );
}

/** The example's arguments with computed values replaced by `stand-in`, for the component's validation. */
function withStandIns(value: unknown, standIn: string): unknown {
  if (value === COMPUTED) return standIn;
  if (Array.isArray(value)) return value.map((item) => withStandIns(item, standIn));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withStandIns(v, standIn)]));
  return value;
}

const inputs = () => schema.resources[CONTAINER_REGISTRY_TYPE].inputProperties;
const outputs = () => schema.resources[CONTAINER_REGISTRY_TYPE].properties;

function packageSource(example: string): string {
  const project = load(fs.readFileSync(path.join(EXAMPLES, example, "Pulumi.yaml"), "utf8")) as { packages: Record<string, string> };
  return path.resolve(EXAMPLES, example, project.packages["acr-infra"]);
}

describe("the YAML example", () => {
  interface YamlProgram {
    config: Record<string, { default?: unknown }>;
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    outputs: Record<string, string>;
  }
  const program = load(fs.readFileSync(path.join(EXAMPLES, "yaml-registry", "Pulumi.yaml"), "utf8")) as YamlProgram;
  const registries = Object.entries(program.resources).filter(([, r]) => r.type === CONTAINER_REGISTRY_TYPE);
  /** `${team}` and the like: computed; the rest as written. */
  const computed = (value: unknown): unknown =>
    typeof value === "string" && value.includes("${")
      ? COMPUTED
      : Array.isArray(value)
        ? value.map(computed)
        : typeof value === "object" && value !== null
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, computed(v)]))
          : value;

  test("adds this repository as its package and declares the component by its type token", () => {
    expect(packageSource("yaml-registry")).toBe(ROOT);
    expect(registries.map(([name]) => name)).toEqual(["shared"]);
  });

  test("sets only inputs of the schema, each of its type, enum values allowed", () => {
    for (const [name, registry] of registries)
      expect({ name, problems: fields(computed(registry.properties), inputs(), "") }).toEqual({ name, problems: [] });
  });

  test("passes the component's validation (interpolations standing for their config defaults)", () => {
    for (const [, registry] of registries) {
      const team = String(program.config.team.default);
      expect(() => resolveArgs(withStandIns(computed(registry.properties), team))).not.toThrow();
    }
  });

  test("reads only outputs the component has", () => {
    const read = Object.values(program.outputs).map((expression) => /^\$\{shared\.(\w+)\}$/.exec(expression)?.[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(Object.keys(outputs())).toContain(name);
    expect(outputs().servicePrincipalClientSecret.secret).toBe(true);
  });
});

// What the Python example passes to ContainerRegistry and reads of it, from Python's own parser:
// literal values as JSON, an f-string with "x" for each value it formats, anything else computed
// (names, calls) as COMPUTED.
const PYTHON_ARGUMENTS = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
def value(node):
    if isinstance(node, ast.Dict):
        return {k.value: value(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, (ast.List, ast.Tuple)):
        return [value(v) for v in node.elts]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(p.value if isinstance(p, ast.Constant) else "x" for p in node.values)
    return ${JSON.stringify(COMPUTED)}
calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "ContainerRegistry"]
names = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and n.value in calls for t in n.targets}
read = sorted({n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in names})
imports = sorted({a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names})
print(json.dumps({"calls": [{k.arg: value(k.value) for k in c.keywords} for c in calls], "read": read, "imports": imports}))
`;

const python = (() => {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return "python3";
  } catch {
    return undefined;
  }
})();

/** snake_case to the schema's camelCase, as Pulumi's Python SDK maps names. */
const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(camelKeys)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]))
      : value;

(python ? describe : describe.skip)("the Python example (needs python3)", () => {
  const main = path.join(EXAMPLES, "python-registry", "__main__.py");

  test("adds this repository as its package and compiles", () => {
    expect(packageSource("python-registry")).toBe(ROOT);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "acr-infra-py-"));
    // Compiled elsewhere, so no __pycache__ lands in the example.
    const compile = "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)";
    expect(() => execFileSync(python!, ["-c", compile, main, path.join(out, "main.pyc")], { stdio: "pipe" })).not.toThrow();
  });

  test("passes only inputs of the schema, valid for the component, and reads only its outputs", () => {
    const found = JSON.parse(execFileSync(python!, ["-c", PYTHON_ARGUMENTS, main], { encoding: "utf8" }));
    expect(found.imports).toContain("pulumi_acr_infra");
    expect(found.calls).toHaveLength(1);
    const args = camelKeys(found.calls[0]);
    expect(fields(args, inputs(), "")).toEqual([]);
    expect(() => resolveArgs(withStandIns(args, "payments"))).not.toThrow();
    expect(found.read.length).toBeGreaterThan(0);
    for (const name of found.read.map(camel)) expect(Object.keys(outputs())).toContain(name);
  });
});
