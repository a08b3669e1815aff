import * as fs from "fs";
import * as path from "path";
import * as acrInfra from "../components";
import { SETTINGS, SETTING_NAMES } from "../components/settings";
import { policies } from "../policy/rules";
import { generatedFiles } from "../tools/generate/main";
import { renderPoliciesDoc } from "../tools/generate/policies-doc";
import { ROOT } from "./support/constants";

/** The lines where two texts part, each as `line N: committed | generated`, at most `limit` of them. */
function drift(committed: string, generated: string, limit = 5): string[] {
  const a = committed.split("\n");
  const b = generated.split("\n");
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && lines.length < limit; i++) {
    if (a[i] !== b[i]) lines.push(`line ${i + 1}:\n  committed: ${a[i] ?? "(none)"}\n  generated: ${b[i] ?? "(none)"}`);
  }
  return lines;
}

describe("what the settings table and the policy rules declare elsewhere is generated from them", () => {
  let files: Record<string, string>;
  beforeAll(() => {
    files = generatedFiles();
  });

  test.each(["components/args.ts", "Pulumi.yaml", "docs/configuration.md", "docs/policies.md"])("%s is up to date", (file) => {
    const target = path.join(ROOT, file);
    const committed = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (committed !== files[file]) {
      throw new Error(
        `${file} differs from what it is generated from: run \`npm run generate\` and commit the result.\n${drift(committed, files[file]).join("\n")}`,
      );
    }
  });

  test("the policies page lists every rule once, with both of its levels", () => {
    const page = renderPoliciesDoc();
    for (const policy of policies) {
      const rows = page.split("\n").filter((line) => line.startsWith(`| \`${policy.name}\` |`));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(`| ${policy.enforcementLevel} | ${policy.productionEnforcementLevel} |`);
    }
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
  // The table is internal: the package exports the types made from it, and the defaults.
  expect(Object.keys(acrInfra)).not.toContain("SETTINGS");
  expect(Object.keys(acrInfra.DEFAULTS).every((name) => name in SETTINGS)).toBe(true);
});
