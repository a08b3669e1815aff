import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MOCK_SECRET_PREFIX } from "../testing";
import { runPlan } from "./support/plan-documents";
import { ROOT } from "./support/stacks";

function tempStackFile(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-plan-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, content);
  return file;
}

const TEAM_PROGRAM = path.join("tests", "fixtures", "team-stack", "index.ts");

describe("--out", () => {
  test("writes the plan to a file, any format, and nothing to stdout", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-plan-out-"));
    const json = path.join(dir, "plan.json");
    const result = runPlan("--format", "json", "--out", json);
    expect([result.status, result.stdout]).toEqual([0, ""]);
    expect(result.stderr).toContain("Wrote the json plan of dev to");
    expect(JSON.parse(fs.readFileSync(json, "utf8")).stack).toBe("dev");
  });

  test("the README's way, through npm, gives valid JSON (npm's own lines stay on stdout)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-plan-npm-"));
    const json = path.join(dir, "plan.json");
    const npm = spawnSync("npm", ["run", "plan", "--", "--format", "json", "--out", json], { cwd: ROOT, encoding: "utf8" });
    expect(npm.status).toBe(0);
    expect(() => JSON.parse(fs.readFileSync(json, "utf8"))).not.toThrow();
  });

  test("a folder that does not exist is refused", () => {
    const result = runPlan("--out", "/no/such/folder/plan.txt");
    expect([result.status, result.stderr]).toEqual([1, expect.stringContaining("plan: --out ")]);
  });
});

describe("--compare", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-plan-compare-"));
  const base = path.join(dir, "base.json");
  runPlan("--stack", "prod", "--format", "json", "--out", base);
  const changed = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(
    changed,
    fs
      .readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")
      .replace("acr-infra:retentionDays: 30", "acr-infra:retentionDays: 14")
      .replace(/ {2}acr-infra:replicas:\n {4}- location: northeurope\n/, ""),
  );

  test("text: what would be deleted and updated, input by input, the new advisories and the change in cost", () => {
    const result = runPlan("--stack", "prod", "--config", changed, "--compare", base);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("- delete  azure-native:containerregistry:Replication acr-replica-northeurope");
    expect(result.stdout).toContain("      properties.policies.retentionPolicy.days: 30 → 14");
    expect(result.stdout).toMatch(/Estimated cost: \$[\d.]+\/month → \$[\d.]+\/month \(-\$[\d.]+\/month\)/);
    expect(result.stdout).toContain("0 to add, 1 to change, 0 to replace, 1 to delete");
  });

  test("json: the same as data; the same plan twice has no changes", () => {
    const same = JSON.parse(runPlan("--stack", "prod", "--format", "json", "--compare", base).stdout);
    expect(same.summary).toEqual({ add: 0, update: 0, replace: 0, delete: 0 });
    const changes = JSON.parse(runPlan("--stack", "prod", "--config", changed, "--format", "json", "--compare", base).stdout);
    expect(changes.summary).toEqual({ add: 0, update: 1, replace: 0, delete: 1 });
  });

  test("a file that is not a plan is refused, and mermaid has no comparison", () => {
    expect(runPlan("--compare", changed).stderr).toContain("plan: --compare ");
    expect(runPlan("--compare", base, "--format", "mermaid").stderr).toContain("plan: --compare shows a comparison as text or json");
  });
});

describe("JSON contract", () => {
  const dev = runPlan("--format", "json");
  const document = JSON.parse(dev.stdout);

  test("exit 0 and the documented top-level keys", () => {
    expect(dev.status).toBe(0);
    expect(Object.keys(document)).toEqual(["project", "stack", "resources", "outputs", "policyViolations", "cost"]);
    expect(document.cost).toMatchObject({ currency: "USD", label: "estimate", monthly: expect.any(Number) });
    expect(document.project).toBe("acr-infra");
    expect(document.stack).toBe("dev");
  });

  test("each resource has urn, type, name, parent, custom, protect, dependsOn and inputs", () => {
    for (const resource of document.resources) {
      expect(Object.keys(resource)).toEqual([
        "urn",
        "type",
        "name",
        "parent",
        "custom",
        "protect",
        "dependsOn",
        "inputs",
        "replaceOnChanges",
        "ignoreChanges",
        "deleteBeforeReplace",
        "propertyDependencies",
        "secretFingerprints",
      ]);
      expect(resource.parent === null || typeof resource.parent === "string").toBe(true);
      for (const urn of resource.dependsOn) expect(document.resources.map((r: { urn: string }) => r.urn)).toContain(urn);
    }
    const stack = document.resources.find((r: { type: string }) => r.type === "pulumi:pulumi:Stack");
    expect(stack).toMatchObject({ urn: "urn:pulumi:dev::acr-infra::pulumi:pulumi:Stack::acr-infra-dev", custom: false, parent: null });
    const component = document.resources.find((r: { type: string }) => r.type === "acr-infra:index:ContainerRegistry");
    expect(component).toMatchObject({
      urn: "urn:pulumi:dev::acr-infra::acr-infra:index:ContainerRegistry::acr",
      custom: false,
      parent: stack.urn,
    });
    const registry = document.resources.find((r: { type: string }) => r.type === "azure-native:resources:Resource");
    expect(registry).toMatchObject({ custom: true, parent: component.urn, inputs: { sku: { name: "Basic" } } });
  });

  test("outputs are the stack's exports, the client secret masked", () => {
    expect(document.outputs.loginServer).toMatch(/\.azurecr\.io$/);
    expect(document.outputs.servicePrincipalClientSecret).toBe("[secret]");
  });

  test("policy violations carry policy, enforcement, urn and message", () => {
    expect(document.policyViolations.length).toBeGreaterThan(0);
    for (const violation of document.policyViolations) {
      expect(Object.keys(violation)).toEqual(["policy", "enforcement", "urn", "message"]);
      expect(["mandatory", "advisory"]).toContain(violation.enforcement);
    }
  });
});

describe("formats and stacks", () => {
  test("text: a tree of resources with inputs and protect, then outputs, then policies; purge command decoded", () => {
    const result = runPlan("--stack", "prod");
    expect(result.stdout).toContain("Offline plan of acr-infra/prod");
    expect(result.stdout).toMatch(
      /├─ azure-native:resources:Resource \(Microsoft\.ContainerRegistry\/registries@2025-11-01\) acr-registry \[protected\]/,
    );
    expect(result.stdout).toContain("step.command: acr purge --filter '(?:.*):^(?:pr-.*)$' --ago 30d --keep 10 --untagged");
    expect(result.stdout).toMatch(/\nOutputs \(simulated\):\n[\s\S]*\nPolicies: [\s\S]*\nBefore you deploy \(\d+ by hand\):\n/);
    // What the mocks made up says so; what the stack file says does not.
    expect(result.stdout).toMatch(/registryName: acrinfraprod\w+ \(simulated\)/);
    expect(result.stdout).toMatch(/ sku\.name: Premium$/m);
    expect(result.stdout).toContain("Values marked (simulated) come from the offline mocks");
    expect(result.stdout).toContain("  - Push from inside the network: public access is Disabled");
    expect(result.stdout).toContain("  - Replace the all-zero subscription id in acr-infra:privateEndpoints with your own");
  });

  test("mermaid: parent and dependency edges", () => {
    const result = runPlan("--format", "mermaid", "--stack", "prod");
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith("flowchart TD\n")).toBe(true);
    expect(result.stdout).toMatch(/r\d+\["Microsoft\.ContainerRegistry\/registries@2025-11-01<br\/>acr-registry \(protected\)"\]/);
    expect(result.stdout).toMatch(/r\d+ --> r\d+/);
    expect(result.stdout).toMatch(/r\d+ -\.->\|depends on\| r\d+/);
  });

  test("--program plans a team's own program with the same mocks, in every format", () => {
    for (const format of ["text", "json", "mermaid"]) {
      const result = runPlan("--program", TEAM_PROGRAM, "--stack", "ci", "--format", format);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("team-registry");
    }
    const document = JSON.parse(runPlan("--program", TEAM_PROGRAM, "--stack", "ci", "--format", "json").stdout);
    expect(document.project).toBe("team-images");
    expect(document.outputs).toEqual(expect.objectContaining({ adminPassword: "[secret]", clientSecret: "[secret]" }));
  });

  test.each(["examples/team-registry/index.ts", "examples/aks-pull/index.ts"])(
    "the example %s plans offline with no mandatory violation",
    (program) => {
      const result = runPlan("--program", program, "--format", "json");
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).resources.length).toBeGreaterThan(0);
    },
  );

  test("same input, same bytes", () => {
    const first = runPlan("--stack", "prod", "--format", "json");
    const second = runPlan("--stack", "prod", "--format", "json");
    expect(second.stdout).toBe(first.stdout);
  });
});

describe("secrets", () => {
  test("no mock secret value appears in any format, even with the admin user and a password on", () => {
    for (const format of ["text", "json", "mermaid"]) {
      const result = runPlan("--program", TEAM_PROGRAM, "--stack", "ci", "--format", format);
      expect(result.stdout + result.stderr).not.toContain(MOCK_SECRET_PREFIX);
    }
    const text = runPlan("--program", TEAM_PROGRAM, "--stack", "ci").stdout;
    expect(text).toContain("adminPassword: [secret]");
  });
});

describe("exit status", () => {
  test("1 for an invalid config value, with the program's message and no stack trace", () => {
    const file = tempStackFile("config:\n  azure-native:location: westeurope\n  acr-infra:sku: Gold\n");
    const result = runPlan("--config", file);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: acr-infra:sku: "Gold" is not allowed: use Basic, Standard or Premium\n');
    expect(result.stdout).toBe("");
  });

  test("1 with every mistake of a stack file at once, one a line, the closest key suggested", () => {
    const file = tempStackFile(
      "config:\n  azure-native:location: westeurpe\n  acr-infr:tags: {}\n  acr-infra:sku: Gold\n  acr-infra:adminUserEnable: true\n  acr-infra:purge:\n    - { schedule: '0 3 * * *', filter: 'a:b:c', ago: 1h1d }\n",
    );
    const result = runPlan("--config", file);
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n").filter(Boolean)).toEqual([
      "error: acr-infr:tags: is in no namespace this stack reads: did you mean acr-infra:tags?",
      "error: acr-infra:adminUserEnable: is not a setting: did you mean acr-infra:adminUserEnabled?",
      expect.stringMatching(/^error: azure-native:location: "westeurpe" is not an Azure region: did you mean westeurope/),
      'error: acr-infra:sku: "Gold" is not allowed: use Basic, Standard or Premium',
      expect.stringMatching(/^error: acr-infra:purge\[0\]\.filter: "a:b:c" is not a filter/),
      expect.stringMatching(/^error: acr-infra:purge\[0\]\.ago: "1h1d" is not an age acr purge reads as written/),
    ]);
    expect(result.stdout).toBe("");
  });

  test("1 for bad arguments: unknown option, unknown format, missing stack file", () => {
    // The plan takes no arguments: node:util's advice on passing one that starts with '-' is left out.
    expect(runPlan("--colour")).toMatchObject({
      status: 1,
      stderr: "plan: Unknown option '--colour'\nRun `npm run plan -- --help` for usage.\n",
    });
    const format = runPlan("--format", "yaml");
    expect([format.status, format.stderr]).toEqual([
      1,
      'plan: --format "yaml" is not allowed: use text, json or mermaid\nRun `npm run plan -- --help` for usage.\n',
    ]);
    const stack = runPlan("--stack", "staging");
    expect(stack.status).toBe(1);
    expect(stack.stderr).toContain("Pulumi.staging.yaml does not exist");
    expect(stack.stderr).not.toMatch(/\n\s+at /);
  });

  test("2 when a mandatory policy is violated: the admin user on in prod", () => {
    const prod = fs
      .readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")
      .replace("acr-infra:adminUserEnabled: false", "acr-infra:adminUserEnabled: true");
    const result = runPlan("--config", tempStackFile(prod), "--stack", "prod");
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/mandatory acr-admin-user-disabled {2}acr-registry: The admin user is on/);
  });

  test("0 for the prod plan as committed: no mandatory violation", () => {
    const result = runPlan("--stack", "prod", "--format", "json");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).policyViolations.filter((v: { enforcement: string }) => v.enforcement === "mandatory")).toEqual([]);
  });
});
