import * as fs from "fs";
import * as path from "path";
import * as acrInfra from "../components";
import { SETTINGS, SETTING_NAMES } from "../components/settings";
import { generatedFiles } from "../tools/generate/main";

const ROOT = path.join(__dirname, "..");

describe("what the settings table declares elsewhere is generated from it", () => {
  let files: Record<string, string>;
  beforeAll(() => {
    files = generatedFiles();
  });

  test.each(["components/args.ts", "Pulumi.yaml", "docs/configuration.md"])("%s is up to date (else: npm run generate)", (file) => {
    const current = fs.readFileSync(path.join(ROOT, file), "utf8");
    // Named, so a failure says which file drifted from the table.
    expect({ file, upToDate: current === files[file] }).toEqual({ file, upToDate: true });
  });

  test("the public argument type has a documented field for every setting, in the table's order", () => {
    const fields = [...files["components/args.ts"].matchAll(/^ {2}(\w+)\?: /gm)].map((m) => m[1]);
    expect(fields).toEqual(SETTING_NAMES);
    const docs = [...files["components/args.ts"].matchAll(/^ {2}\/\*\* (.+) \*\/$/gm)];
    expect(docs).toHaveLength(SETTING_NAMES.length);
  });

  test("the configuration reference documents every field of every child resource, from its TSDoc", () => {
    const doc = files["docs/configuration.md"];
    for (const name of SETTING_NAMES) expect(doc).toContain(`| \`${name}\` |`);
    // Fields that Pulumi.yaml's hand-written descriptions had lost (issue 11): now read from the interfaces.
    expect(doc).toMatch(/## PrivateEndpointArgs[\s\S]*\| `location` \| `string` \| {2}\| The subnet's region/);
    expect(doc).toMatch(/## RoleAssignmentArgs[\s\S]*\| `allowPrivilegedRole` \|/);
    expect(doc).toMatch(/## GitHubSubjectArgs[\s\S]*\| `repository` \| `string` \| yes \|/);
    expect(doc).toMatch(/## TokenArgs/);
  });
});

test("every child resource's argument type is exported from the package", () => {
  const args = fs.readFileSync(path.join(ROOT, "components/args.ts"), "utf8");
  const index = fs.readFileSync(path.join(ROOT, "components/index.ts"), "utf8");
  const named = [...args.matchAll(/import type \{ ([^}]+) \}/g)].flatMap((m) => m[1].split(",").map((n) => n.trim()));
  expect(named.length).toBeGreaterThan(5);
  for (const name of [...named, "ContainerRegistryArgs", "GitHubSubjectArgs", "TokenArgs"]) {
    expect({ name, exported: new RegExp(`export type \\{[^}]*\\b${name}\\b`).test(index) }).toEqual({ name, exported: true });
  }
  expect(Object.keys(acrInfra.SETTINGS)).toEqual(Object.keys(SETTINGS));
});
