// The plan makes a resource's outputs when they are first read (tools/plan/lean-sdk.ts). What a
// program sees of them must be what the SDK as shipped gives it: the same value, secret, known and
// dependencies, read before the engine answers or after. Each scenario runs with the SDK as shipped,
// then with the plan's version (jest gives each test file its own modules, so the replacement stays
// in this file); cases that end in an unhandled rejection run in their own processes.
import { spawnSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { leanSdkForPlan } from "../tools/plan/lean-sdk";
import { ROOT } from "./support/stacks";

class Thing extends pulumi.CustomResource {
  declare readonly input: pulumi.Output<string>;
  declare readonly plain: pulumi.Output<string>;
  declare readonly hidden: pulumi.Output<string>;
  constructor(name: string, input: pulumi.Input<string>) {
    // As azure-native's classes do: the inputs, and every output declared as undefined.
    super("lean:index:Thing", name, { input, plain: undefined, hidden: undefined });
  }
}

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => {
    return {
      id: `${args.name}-id`,
      state: { ...args.inputs, plain: `plain of ${args.name}`, hidden: pulumi.secret(`hidden of ${args.name}`) },
    };
  },
  call: () => ({}),
};

interface Seen {
  value: unknown;
  known: boolean;
  secret: boolean;
  resources: string[];
}

async function seen(output: pulumi.Output<unknown>): Promise<Seen> {
  const internal = output as unknown as {
    promise(): Promise<unknown>;
    isKnown: Promise<boolean>;
    allResources(): Promise<Set<pulumi.Resource>>;
  };
  const names = await Promise.all([...(await internal.allResources())].map((r) => new Promise<string>((ok) => r.urn.apply(ok))));
  return { value: await internal.promise(), known: await internal.isKnown, secret: await pulumi.isSecret(output), resources: names.sort() };
}

const settled = (resource: pulumi.Resource) => new Promise<void>((ok) => resource.urn.apply(() => ok()));

/** What a program sees of a resource's outputs, read before and after the engine answers. */
async function scenario(): Promise<Record<string, unknown>> {
  await pulumi.runtime.setMocks(mocks, "lean", "test");
  const first = new Thing("first", "in");
  const early = { plain: first.plain, hidden: first.hidden };
  const second = new Thing("second", first.plain);
  await settled(second);
  const late = { input: second.input, plain: second.plain, hidden: second.hidden };
  // An object made from a resource reads its properties through it.
  const third = new Thing("third", "in");
  const derived = Object.create(third) as Thing;
  // A program may set a property on a resource, read or not, as the SDK lets it.
  (second as unknown as { plain: unknown }).plain = "set by the program";
  (first as unknown as { input: unknown }).input = "set before it was read";
  return {
    keys: Object.keys(first).filter((k) => !k.startsWith("__")),
    earlyPlain: await seen(early.plain),
    earlyHidden: await seen(early.hidden),
    lateInput: await seen(late.input),
    latePlain: await seen(late.plain),
    lateHidden: await seen(late.hidden),
    derived: [await seen(derived.plain), derived.plain === third.plain],
    assigned: [(second as unknown as { plain: unknown }).plain, (first as unknown as { input: unknown }).input],
  };
}

test("outputs made when first read are what the SDK's own outputs are", async () => {
  const shipped = await scenario();
  expect(leanSdkForPlan()).toBe(true);
  const lean = await scenario();
  // The plan's version is the one that ran: an output not read yet is a getter on the resource.
  expect(typeof Object.getOwnPropertyDescriptor(new Thing("unread", "in"), "plain")?.get).toBe("function");
  expect(lean).toEqual(shipped);
  // And what both are, so that a change in the SDK that made the two agree wrongly shows here too.
  expect(lean).toMatchObject({
    keys: ["urn", "id", "input", "plain", "hidden"],
    earlyPlain: { value: "plain of first", known: true, secret: false, resources: ["urn:pulumi:test::lean::lean:index:Thing::first"] },
    earlyHidden: { value: "hidden of first", secret: true },
    lateInput: { value: "plain of first", secret: false, resources: ["urn:pulumi:test::lean::lean:index:Thing::second"] },
    latePlain: { value: "plain of second", known: true, secret: false },
    lateHidden: { value: "hidden of second", known: true, secret: true },
    derived: [{ value: "plain of third", secret: false }, true],
    assigned: ["set by the program", "set before it was read"],
  });
});

/** One case of tests/support/lean-sdk-cases.js, run in its own process with the SDK as shipped or the plan's. */
function runCase(name: string, mode: "shipped" | "lean"): unknown {
  const child = spawnSync(
    process.execPath,
    ["--require", path.join(ROOT, "tools", "register.js"), path.join(ROOT, "tests", "support", "lean-sdk-cases.js"), name, mode],
    { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
  );
  return JSON.parse(child.stdout);
}

test.each([
  "an input with no prototype",
  "a class with a getter of an output's name",
  "a frozen resource",
  "a sealed resource, assigned to",
  "a frozen resource, assigned to",
  "an object made from a resource, sealed, assigned to",
  "a resource behind a Proxy",
  "a resource copied with its property descriptors",
])("%s: the program sees what it sees with the SDK as shipped, failure included", (name) => {
  expect(runCase(name, "lean")).toEqual(runCase(name, "shipped"));
});
