import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DEFAULTS, resolveArgs } from "../components";
import { githubSubject } from "../components/parts/ci-principal";
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
  // Each declared default is what the component reads when the setting is left out.
  const unset = resolveArgs({}) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(DEFAULTS)) {
    expect([key, project.config[key].default]).toEqual([key, value]);
    expect([key, unset[key]]).toEqual([key, value]);
  }
  // Settings without a default are declared empty ("" or []), which the component reads as unset.
  expect(resolveArgs(Object.fromEntries(Object.entries(project.config).map(([k, d]) => [k, d.default])))).toEqual(resolveArgs({}));
});

describe("CI and previews, as the CI template documents them", () => {
  type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
  type Job = { if?: string; needs?: string; environment?: string; steps: Step[] };
  const workflow = yaml.load(fs.readFileSync(path.join(ROOT, "ci-templates", "github-actions", "acr-infra.yml"), "utf8")) as {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
  };

  test("every job that runs pulumi runs it on the Node.js npm ci installed, which the offline plan ran on", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.node).toBeDefined();
    const pulumiJobs = Object.entries(workflow.jobs).filter(([, job]) => job.steps.some((s) => typeof s.with?.command === "string"));
    expect(pulumiJobs.map(([name]) => name).sort()).toEqual(["deploy-dev", "deploy-prod", "plan"]);
    for (const [, job] of pulumiJobs) {
      const install = job.steps.findIndex((s) => s.run?.includes("npm ci"));
      const firstPulumi = job.steps.findIndex((s) => typeof s.with?.command === "string");
      expect(job.steps[install].run).toContain('echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"');
      // With the dev dependencies: the `node` package is one.
      expect(job.steps[install].run).not.toContain("--omit=dev");
      expect(install).toBeLessThan(firstPulumi);
    }
  });

  test("nothing refreshes on its own: a pull-request preview's Reader identity cannot read Entra ID objects", () => {
    expect((project as { options?: { refresh?: string } }).options?.refresh).not.toBe("always");
    const previews = workflow.jobs.plan.steps.filter((s) => s.uses?.startsWith("pulumi/actions") && s.with?.command === "preview");
    expect(previews).toHaveLength(2);
    for (const preview of previews) expect(preview.with?.refresh).toBe(false);
  });

  test("the weekly run deploys dev (its secrets rotate) and never waits for a production approval", () => {
    expect(workflow.on.schedule).toBeDefined();
    expect(workflow.jobs["deploy-prod"].environment).toBe("production");
    expect(workflow.jobs["deploy-prod"].if).toBe("github.event_name == 'push' || github.event_name == 'workflow_dispatch'");
    expect(workflow.jobs["deploy-dev"].if).toBe("github.event_name != 'pull_request'");
  });

  test("a pull request's job summary gets each stack's changes against the base branch, planned offline", () => {
    const step = workflow.jobs.plan.steps.find((s) => s.name === "Changes from the base branch");
    expect(step?.run).toContain('for stack in "$DEV_STACK" "$PROD_STACK"');
    expect(step?.run).toContain('--format json --out "$RUNNER_TEMP/base-$name.json"');
    expect(step?.run).toContain('--compare "$RUNNER_TEMP/base-$name.json"');
    expect(step?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    // Runs after a failed offline plan, never fails the job, and compares with the merge's first parent.
    expect(step?.if).toBe("${{ !cancelled() }}");
    expect(step?.run).toContain("git rev-parse HEAD^1");
    expect(step?.run).toMatch(/exit 0\n/);
    // A base that exits 2 (mandatory violation) still wrote its plan: the file decides, not the exit code.
    expect(step?.run).toContain('if [ -s "$RUNNER_TEMP/base-$name.json" ]');
    const checkout = workflow.jobs.plan.steps[0];
    expect(checkout.uses).toMatch(/^actions\/checkout@/);
    expect(checkout.with?.["fetch-depth"]).toBe(2);
  });

  test("the id-based GitHub subject the CI template shows is the one the setting makes", () => {
    const readme = fs.readFileSync(path.join(ROOT, "ci-templates", "README.md"), "utf8");
    const block = /```yaml\n(acr-infra:servicePrincipal:\n[^`]*?repository: example-org@[^`]*?)# subject: (\S+)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const settings = (yaml.load(block![1]) as Record<string, unknown>)["acr-infra:servicePrincipal"];
    const resolved = resolveArgs({ servicePrincipal: settings as never }).servicePrincipal;
    expect(githubSubject(resolved.github!)).toBe(block![2]);
  });
});

test("the README says what a delete lock blocks: children, role assignments and the diagnostic setting", () => {
  // Azure Resource Manager docs, "Lock your resources": a CanNotDelete lock on a resource prevents
  // deleting role assignments at its scope, and extension resources such as diagnostic settings
  // inherit the lock of the resource they are applied to.
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const lockSection = readme.slice(readme.indexOf("With `lock: true`"), readme.indexOf("```sh\nnpm ci\naz login"));
  expect(lockSection).toMatch(/role assignments on the registry/);
  expect(lockSection).toMatch(/diagnostic setting/);
  expect(lockSection).toMatch(/replicas, webhooks, purge tasks, scope maps, tokens/);
});

test("every documented command whose JSON or Mermaid is piped or redirected keeps npm's own lines out of it", () => {
  const files = [
    "README.md",
    "ci-templates/README.md",
    "ci-templates/github-actions/acr-infra.yml",
    ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`),
  ];
  const offending = files.flatMap((file) =>
    fs
      .readFileSync(path.join(ROOT, file), "utf8")
      .split("\n")
      // An `npm run` without --silent whose own arguments ask for JSON or Mermaid, then piped or redirected.
      .filter((line) => /npm run (?!--silent)\S+ --[^|>]*(--json|--format (json|mermaid))[^|>]*(\||\s>\s)/.test(line))
      .map((line) => `${file}: ${line.trim()}`),
  );
  expect(offending).toEqual([]);
});
