/**
 * `npm run generate`: writes what the settings table and the policy rules declare elsewhere. With
 * `--check`, writes nothing and exits 1 naming each file that differs (the tests do the same).
 */
import * as fs from "fs";
import * as path from "path";
import { POLICIES_DOC, renderPoliciesDoc } from "./policies-doc";
import { renderArgsModule, renderConfigurationDoc, renderPulumiYaml } from "./settings-docs";

const ROOT = path.join(__dirname, "..", "..");

/** Each generated file, by its path from the repository's root, and what it should hold. */
export function generatedFiles(): Record<string, string> {
  const pulumiYaml = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
  return {
    "components/args.ts": renderArgsModule(),
    "Pulumi.yaml": renderPulumiYaml(pulumiYaml),
    "docs/configuration.md": renderConfigurationDoc(),
    [POLICIES_DOC]: renderPoliciesDoc(),
  };
}

export function main(args: readonly string[]): Promise<number> {
  const check = args.includes("--check");
  const stale: string[] = [];
  for (const [file, content] of Object.entries(generatedFiles())) {
    const target = path.join(ROOT, file);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current === content) continue;
    stale.push(file);
    if (!check) fs.writeFileSync(target, content);
  }
  for (const file of stale) process.stdout.write(`${check ? "out of date" : "wrote"}: ${file}\n`);
  if (check && stale.length > 0) process.stderr.write("run `npm run generate` and commit the result\n");
  return Promise.resolve(check && stale.length > 0 ? 1 : 0);
}
