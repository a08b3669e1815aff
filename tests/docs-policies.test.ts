import * as fs from "fs";
import * as path from "path";
import { POLICIES_DOC, renderPoliciesDoc } from "../tools/generate/policies-doc";
import { policies } from "../policy/rules";
import { ROOT } from "./support/stacks";

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

test(`${POLICIES_DOC} is what the policy rules generate`, () => {
  const file = path.join(ROOT, POLICIES_DOC);
  const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const generated = renderPoliciesDoc();
  if (committed !== generated) {
    throw new Error(
      `${POLICIES_DOC} differs from what policy/rules.ts generates: run \`npm run generate\` and commit the result.\n` +
        drift(committed, generated).join("\n"),
    );
  }
});

test("the page lists every rule once, with both of its levels", () => {
  const page = renderPoliciesDoc();
  for (const policy of policies) {
    const rows = page.split("\n").filter((line) => line.startsWith(`| \`${policy.name}\` |`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`| ${policy.enforcementLevel} | ${policy.productionEnforcementLevel} |`);
  }
});
