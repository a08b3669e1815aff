// planProgram as a team calls it, several times in one test file: each call loads the program
// afresh and returns its whole plan, under the project its Pulumi.yaml names.
import * as path from "path";
import { ContainerRegistry } from "../components";
import { CheckedRun, planProgram, readStackFile } from "../testing";
import { ROOT, T } from "./support/stacks";

const STACK_PROGRAM = path.join(ROOT, "index.ts");
const TEAM_PROGRAM = path.join(ROOT, "tests", "fixtures", "team-stack", "index.ts");
const dev = readStackFile(path.join(ROOT, "Pulumi.dev.yaml"));

const types = (run: CheckedRun) => run.resources.map((r) => r.type).sort();

describe("called three times in one file, with different programs and configs", () => {
  let first: CheckedRun;
  let team: CheckedRun;
  let withAdmin: CheckedRun;
  beforeAll(async () => {
    first = await planProgram({ program: STACK_PROGRAM, stack: "dev", config: dev.config, secretConfigKeys: dev.secretKeys });
    team = await planProgram({ program: TEAM_PROGRAM, stack: "ci", config: { "azure-native:location": "northeurope" } });
    withAdmin = await planProgram({
      program: STACK_PROGRAM,
      stack: "dev",
      config: { ...dev.config, "acr-infra:adminUserEnabled": true },
      secretConfigKeys: dev.secretKeys,
    });
  });

  test("the first run is the whole dev stack", () => {
    expect(first.project).toBe("acr-infra");
    expect(types(first)).toEqual(expect.arrayContaining([T.stack, T.component, T.registry, T.storageAccount, T.roleAssignment]));
    expect(first.registries()).toHaveLength(1);
    expect(first.outputs.loginServer).toEqual(expect.stringMatching(/\.azurecr\.io$/));
  });

  test("the second, another program, is whole too, under the project its Pulumi.yaml names", () => {
    expect(team.project).toBe("team-images");
    expect(team.stack).toBe("ci");
    expect(team.registries()[0].settings.sku).toEqual({ name: "Premium" });
    expect(team.resources.every((r) => r.urn.startsWith("urn:pulumi:ci::team-images::"))).toBe(true);
    expect(team.resources.filter((r) => r.type === T.stack)).toHaveLength(1);
  });

  test("the third, the first program with other config, declares everything again and sees the new config", () => {
    expect(types(withAdmin)).toEqual(types(first));
    expect(withAdmin.registries()[0].settings.adminUserEnabled).toBe(true);
    expect(first.registries()[0].settings.adminUserEnabled).toBe(false);
    expect(withAdmin.outputs.adminPassword).toBe("[secret]");
    expect(first.outputs.adminPassword).toBeUndefined();
  });

  test("a fourth, as the first, is the same plan", async () => {
    const again = await planProgram({ program: STACK_PROGRAM, stack: "dev", config: dev.config, secretConfigKeys: dev.secretKeys });
    expect({ resources: again.resources, outputs: again.outputs }).toEqual({ resources: first.resources, outputs: first.outputs });
  });
});

test("calls made together take turns, each getting its own plan", async () => {
  const [a, b] = await Promise.all([
    planProgram({ program: TEAM_PROGRAM, stack: "a", config: { "azure-native:location": "northeurope" } }),
    planProgram({ program: TEAM_PROGRAM, stack: "b", config: { "azure-native:location": "northeurope" } }),
  ]);
  expect([a.stack, b.stack]).toEqual(["a", "b"]);
  expect(types(a)).toEqual(types(b));
  expect(b.resources.every((r) => r.urn.startsWith("urn:pulumi:b::team-images::"))).toBe(true);
});

describe("the project name", () => {
  const program = () => void new ContainerRegistry("acr", { location: "westeurope" });

  test("is read from the Pulumi.yaml of a given folder when the program is a function", async () => {
    const run = await planProgram({ program, projectDir: path.dirname(TEAM_PROGRAM) });
    expect(run.project).toBe("team-images");
  });

  test("is acr-infra for a function and no folder, and the given name wins over Pulumi.yaml", async () => {
    expect((await planProgram({ program })).project).toBe("acr-infra");
    expect((await planProgram({ program: TEAM_PROGRAM, project: "mine" })).project).toBe("mine");
  });
});

test("a function that only requires the program, called again, is refused with what to do instead", async () => {
  const required = () => require("./fixtures/team-stack/index");
  const options = { stack: "ci", config: { "azure-native:location": "northeurope" }, program: required };
  expect((await planProgram(options)).registries()).toHaveLength(1);
  await expect(planProgram(options)).rejects.toThrow(
    'the program returned the exports of an earlier run, so it did not run again: a module declares its resources once, when it is first loaded. Give the program\'s file instead (program: path.join(__dirname, "index.ts")): each run loads it afresh.',
  );
  // The refusal left nothing behind: the next run is whole.
  expect((await planProgram({ ...options, program: TEAM_PROGRAM })).registries()).toHaveLength(1);
});

test("a program file that stops on its config rejects with its message, and the next run is whole", async () => {
  await expect(planProgram({ program: STACK_PROGRAM, config: { "acr-infra:sku": "Basic" } })).rejects.toThrow(
    "acr-infra:location: is missing: set acr-infra:location or azure-native:location to the region, such as westeurope",
  );
  const next = await planProgram({ program: STACK_PROGRAM, stack: "dev", config: dev.config, secretConfigKeys: dev.secretKeys });
  expect(next.registries()).toHaveLength(1);
});

test("a program file that exports a function is called, as Pulumi calls it, and what it returns is the outputs", async () => {
  const run = await planProgram({ program: path.join(ROOT, "tests", "fixtures", "lean-sdk", "async-main.ts"), stack: "probe" });
  expect(run.resources.map((r) => r.name)).toContain("made-in-main");
  expect(run.outputs).toEqual({ length: 6 });
});
