// The package other Pulumi languages use (PulumiPlugin.yaml, provider/): the schema the SDK's
// analyzer makes from the TypeScript types has every setting of the table as an input of the right
// type, every public output of the class with the secret ones marked, under the type token the
// component registers; and the provider constructs the component from plain inputs as another
// language's SDK sends them.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { load } from "js-yaml";
import { CONTAINER_REGISTRY_TYPE, SECRET_OUTPUTS } from "../components/container-registry";
import { SETTINGS, SETTING_NAMES } from "../components/settings";
import { Setting } from "../components/setting-kinds";
import { AcrInfraProvider, PACKAGE_NAME, PackageSchema, SchemaProperty, packageSchema } from "../provider/schema";
import { AzureMocks } from "../testing";
import { resolveValue, runProgram } from "../testing/harness";
import { childFields, enumName } from "../tools/generate/settings-docs";
import { main as schemaTool } from "../tools/schema";
import { capturedIo } from "./support/registry-cli";
import { ROOT } from "./support/stacks";

const ref = (type: string) => ({ $ref: `#/types/${PACKAGE_NAME}:index:${type}` });

/** What a setting's input must be in the schema, from its TypeScript type in the settings table. */
function expectedInput(name: string, setting: Setting<unknown>): Omit<SchemaProperty, "description" | "plain"> {
  if (setting.values) return ref(enumName(name));
  const list = setting.type.endsWith("[]");
  const item = setting.type.replace(/\[\]$/, "");
  const one = setting.typeFrom
    ? ref(item)
    : ({ boolean: { type: "boolean" }, number: { type: "number" }, string: { type: "string" } }[item] ??
      (item === "Record<string, string>" ? { type: "object", additionalProperties: { type: "string" } } : undefined));
  if (!one) throw new Error(`${name}: no schema type is known for ${setting.type}; say here what the analyzer makes of it`);
  return list ? { type: "array", items: one } : one;
}

/** The public output fields of ContainerRegistry, read from its source: `readonly name?: pulumi.Output<...>`. */
function classOutputs(): { name: string; optional: boolean }[] {
  const file = path.join(ROOT, "components", "container-registry.ts");
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === "ContainerRegistry",
  );
  return declaration!.members
    .filter(ts.isPropertyDeclaration)
    .filter(
      (member) => !member.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword),
    )
    .filter((member) => /^pulumi\.Output</.test(member.type?.getText(source) ?? ""))
    .map((member) => ({ name: member.name.getText(source), optional: member.questionToken !== undefined }));
}

/** A value with the schema's own bookkeeping (descriptions, plain, optional) left out. */
function shape(property: SchemaProperty): unknown {
  const { type, $ref, items, additionalProperties } = property;
  return JSON.parse(
    JSON.stringify({ type, $ref, items: items && shape(items), additionalProperties: additionalProperties && shape(additionalProperties) }),
  );
}

let schema: PackageSchema;
let component: PackageSchema["resources"][string];

beforeAll(async () => {
  schema = await packageSchema();
  component = schema.resources[CONTAINER_REGISTRY_TYPE];
}, 120000);

test("the package is acr-infra and its one component keeps the type token resources are registered under", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  expect(schema.name).toBe("acr-infra");
  // @pulumi/pulumi's run-plugin names an auto-detected package after package.json (scope as namespace): the same.
  expect([pkg.name, PACKAGE_NAME]).toEqual(["acr-infra", "acr-infra"]);
  expect(schema.namespace).toBeUndefined();
  expect(schema.version).toBe(pkg.version);
  expect(Object.keys(schema.resources)).toEqual(["acr-infra:index:ContainerRegistry"]);
  expect(CONTAINER_REGISTRY_TYPE).toBe("acr-infra:index:ContainerRegistry");
  expect(component.isComponent).toBe(true);
});

test("every setting of the table is an input of its type: optional and plain, as the component reads plain values", () => {
  expect(Object.keys(component.inputProperties).sort()).toEqual([...SETTING_NAMES].sort());
  expect(component.requiredInputs).toEqual([]);
  for (const name of SETTING_NAMES) {
    const input = component.inputProperties[name];
    expect({ name, shape: shape(input) }).toEqual({ name, shape: expectedInput(name, SETTINGS[name]) });
    expect({ name, plain: input.plain }).toEqual({ name, plain: true });
    expect(input.description).toBeTruthy();
  }
});

test("a setting of a few words is an enum of exactly those words", () => {
  const chosen = SETTING_NAMES.filter((name) => SETTINGS[name].values);
  expect(chosen).toEqual(expect.arrayContaining(["sku", "publicNetworkAccess"]));
  for (const name of chosen) {
    const type = schema.types[`${PACKAGE_NAME}:index:${enumName(name)}`];
    expect({ name, values: type.enum?.map((member) => member.value) }).toEqual({ name, values: SETTINGS[name].values });
  }
});

test("each child resource's argument type has the fields its interface declares, required where the interface requires them", () => {
  for (const name of SETTING_NAMES) {
    for (const { name: typeName, fields } of childFields(SETTINGS[name])) {
      const type = schema.types[`${PACKAGE_NAME}:index:${typeName}`];
      expect({ typeName, fields: Object.keys(type.properties ?? {}).sort() }).toEqual({
        typeName,
        fields: fields.map((f) => f.name).sort(),
      });
      const required = fields.filter((f) => !f.optional).map((f) => f.name);
      expect({ typeName, required: (type as { required?: string[] }).required ?? [] }).toEqual({ typeName, required: required.sort() });
    }
  }
  // The role assignment's principal may come from another resource (an Output), as in TypeScript.
  expect(schema.types[`${PACKAGE_NAME}:index:RoleAssignmentArgs`].properties!.principalId.plain).toBeUndefined();
  expect(schema.types[`${PACKAGE_NAME}:index:RoleName`].enum!.map((m) => m.value)).toEqual(expect.arrayContaining(["AcrPull", "AcrPush"]));
});

test("the outputs are the class's public outputs; the ones that only some settings make are optional", () => {
  const outputs = classOutputs();
  expect(outputs.length).toBeGreaterThanOrEqual(16);
  expect(Object.keys(component.properties).sort()).toEqual(outputs.map((o) => o.name).sort());
  expect(component.required).toEqual(
    outputs
      .filter((o) => !o.optional)
      .map((o) => o.name)
      .sort(),
  );
  for (const { name } of outputs) expect({ name, type: component.properties[name].type }).toEqual({ name, type: "string" });
  expect(component.properties).not.toHaveProperty("settings");
});

test("the admin password and the CI client secret are marked secret, and nothing else", () => {
  const secret = Object.entries(component.properties)
    .filter(([, property]) => property.secret)
    .map(([name]) => name);
  expect(secret.sort()).toEqual(["adminPassword", "servicePrincipalClientSecret"]);
  expect([...SECRET_OUTPUTS].sort()).toEqual(secret.sort());
});

test("npm run schema prints it; wrong arguments exit 1", async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  expect(pkg.scripts.schema).toBe("node tools/run.js schema");
  const { io, out } = capturedIo();
  expect(await schemaTool([], io)).toBe(0);
  expect(JSON.parse(out.stdout)).toEqual(schema);
  expect(await schemaTool(["--output", "x"], io)).toBe(1);
  expect(out.stderr).toMatch(/^schema: .*--output/m);
}, 120000);

test("PulumiPlugin.yaml makes the repository a nodejs plugin whose entry point exists", () => {
  const plugin = load(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8")) as { runtime: string; main: string };
  expect(plugin.runtime).toBe("nodejs");
  expect(fs.existsSync(path.join(ROOT, plugin.main))).toBe(true);
});

describe("the provider constructs the component from what another language sends", () => {
  const provider = new AcrInfraProvider();
  const inputs = {
    location: "westeurope",
    sku: "Premium",
    adminUserEnabled: true,
    servicePrincipal: { credential: "password" },
    roleAssignments: [{ principalId: "0f0e0d0c-0b0a-4909-8807-060504030201", principalType: "Group", role: "AcrPull" }],
  };

  test("with its outputs, secrets still secret, under the component's URN", async () => {
    await provider.getSchema();
    let constructed: ReturnType<typeof provider.construct> | undefined;
    const run = await runProgram({
      stack: "dev",
      mocks: new AzureMocks(),
      program: () => {
        constructed = provider.construct("shared", CONTAINER_REGISTRY_TYPE, inputs, {});
      },
    });
    const { urn, state } = await constructed!;
    expect(await resolveValue(urn)).toMatch(/::acr-infra:index:ContainerRegistry::shared$/);
    expect(run.resources.filter((r) => r.type === CONTAINER_REGISTRY_TYPE).map((r) => r.name)).toEqual(["shared"]);
    expect(Object.keys(state).sort()).toEqual(Object.keys(component.properties).sort());
    expect(await pulumi.isSecret(state.adminPassword as pulumi.Output<string>)).toBe(true);
    expect(await pulumi.isSecret(state.servicePrincipalClientSecret as pulumi.Output<string>)).toBe(true);
    expect(await resolveValue(state.loginServer)).toMatch(/\.azurecr\.io$/);
  }, 60000);

  test("a bad value is refused, naming the setting, before anything is declared", async () => {
    await expect(provider.construct("bad", CONTAINER_REGISTRY_TYPE, { ...inputs, sku: "Gold" }, {})).rejects.toThrow(/sku.*"Gold"/);
  });
});
