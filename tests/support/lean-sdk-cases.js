// Runs one case of what a program may do with a resource, with the SDK as shipped or with the
// plan's lean SDK (argv: <case> shipped|lean), and prints what the program saw as JSON: values read,
// or the error thrown or left unhandled. tests/plan-lean-outputs.test.ts compares the two; these
// cases end in unhandled rejections, which a jest worker would not survive.
"use strict";
const pulumi = require("@pulumi/pulumi");
const [name, mode] = process.argv.slice(2);
if (mode === "lean" && !require("../../tools/plan/lean-sdk").leanSdkForPlan()) throw new Error("the lean SDK was not applied");

class Thing extends pulumi.CustomResource {
  constructor(resourceName, input) {
    super("lean:index:Thing", resourceName, { input, plain: undefined });
  }
}
class WithGetter extends Thing {
  // A property of the class with the name of an output: the SDK's assignment meets it.
  get plain() {
    return "the class's own";
  }
}

const read = (output) => new Promise((resolve) => output.apply(resolve));
const CASES = {
  "an input with no prototype": async () => {
    const tags = Object.create(null);
    tags.env = "dev";
    return read(new Thing("t", tags).input);
  },
  "a class with a getter of an output's name": async () => new WithGetter("t", "in").plain,
  "a frozen resource": async () => {
    const thing = Object.freeze(new Thing("t", "in"));
    return [await read(thing.plain), thing.plain === thing.plain];
  },
  "a sealed resource, assigned to": async () => {
    const thing = Object.seal(new Thing("t", "in"));
    thing.plain = "assigned";
    void thing.input;
    thing.input = "assigned after a read";
    return [thing.plain, thing.input];
  },
  "a frozen resource, assigned to": async () => {
    const thing = Object.freeze(new Thing("t", "in"));
    thing.plain = "assigned";
    return thing.plain;
  },
  "an object made from a resource, sealed, assigned to": async () => {
    const derived = Object.seal(Object.create(new Thing("t", "in")));
    derived.plain = "assigned";
    return derived.plain;
  },
  "a resource behind a Proxy": async () => {
    const thing = new Proxy(new Thing("t", "in"), {});
    return [await read(thing.plain), thing.plain === thing.plain];
  },
  "a resource copied with its property descriptors": async () => {
    const thing = new Thing("t", "in");
    const copy = Object.create(Object.getPrototypeOf(thing), Object.getOwnPropertyDescriptors(thing));
    return read(copy.plain);
  },
};

const report = (what) => {
  process.stdout.write(JSON.stringify(what));
  process.exit(0);
};
process.on("unhandledRejection", (error) => report({ unhandled: String(error && error.message) }));
(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: "i", state: { ...args.inputs, plain: "from the engine" } }), call: () => ({}) },
    "p",
    "s",
  );
  try {
    report({ value: await CASES[name]() });
  } catch (error) {
    report({ thrown: String(error && error.message) });
  }
})();
