/**
 * What the offline plan leaves out of the Pulumi SDK's per-resource work: bookkeeping a deployment
 * needs and a plan never reads. Each replaces one SDK internal (read in @pulumi/pulumi 3.276.0) that
 * the SDK's own modules look up at every call, so the replacement reaches every caller;
 * tests/pulumi-sdk.test.ts pins those lookups, and tests/plan-lean-sdk.test.ts shows the plan of
 * every stack is the same with and without them.
 *
 * Only the plan's process applies them (tools/plan/index.ts), and only to the SDK and google-protobuf
 * versions they were checked against: with any other (a team's install may have a newer SDK), the
 * plan runs the SDK as shipped, slower. A team's unit tests under `acr-infra/testing` run the SDK as
 * shipped.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** The versions whose internals these replacements were read from and tested against. */
export const CHECKED_AGAINST = { "@pulumi/pulumi": ["3.276.0"], "google-protobuf": ["3.21.4"] };

/* eslint-disable @typescript-eslint/no-require-imports -- SDK internals, pinned by tests/pulumi-sdk.test.ts */

/**
 * The SDK wraps every promise it makes in `debuggablePromise` (runtime/debuggable.js): three
 * properties, a stack trace, and two more promises each, kept to report promises left unresolved
 * when a deployment exits. The plan reports a program that never finishes itself
 * (unfinishedProgramMessage, below), with the SDK's own message.
 */
function skipPromiseLeakBookkeeping(): void {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>) => Promise<T> };
  debuggable.debuggablePromise = (promise) => promise;
}

/**
 * Every resource's constructor records the whole call stack, each frame parsed and turned into a
 * file URL (resource.js, `Resource.stackTrace(4)`), for the engine to show where it was declared.
 * The mock monitor drops it (runtime/mocks.js builds its request without a source position) and the
 * plan shows none.
 */
function skipSourcePositions(): void {
  (pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] }).stackTrace = () => [];
}

/** What runtime/rpc.js's transferProperties returns: per property, what resolves its output. */
type Resolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: pulumi.Resource[], error?: Error) => void;
type Deferred<T> = [resolve: (value: T) => void, reject: (error: unknown) => void];
type OutputConstructor = new (
  resources: pulumi.Resource,
  value: Promise<unknown>,
  isKnown: Promise<boolean>,
  isSecret: Promise<boolean>,
  deps: Promise<pulumi.Resource[]>,
) => pulumi.Output<unknown>;

const deferred = <T>(store: (d: Deferred<T>) => void) => new Promise<T>((resolve, reject) => store([resolve, reject]));

/** One property of a resource: the engine's answer for it, and its `Output` once read. */
class LazyProperty {
  private made?: unknown;
  private isMade = false;
  private answer?: { value: unknown; isKnown: boolean; isSecret: boolean; deps: pulumi.Resource[]; error?: Error };
  private waiting?: {
    value: Deferred<unknown>;
    isKnown: Deferred<boolean>;
    isSecret: Deferred<boolean>;
    deps: Deferred<pulumi.Resource[]>;
  };

  constructor(
    private readonly resource: pulumi.Resource,
    private readonly Output: OutputConstructor,
  ) {}

  /** The property's value: its Output, made when first asked for (settled if the engine has answered, else pending until it does), or what the program set. */
  value(): unknown {
    if (!this.isMade) this.set(this.make());
    return this.made;
  }

  /** What the program set the property to, where the resource cannot take it as its own data property (sealed). */
  set(value: unknown): void {
    this.made = value;
    this.isMade = true;
  }

  private make(): pulumi.Output<unknown> {
    const { answer, resource } = this;
    if (answer) {
      const { error } = answer;
      const settled = <T>(value: T): Promise<T> => (error === undefined ? Promise.resolve(value) : Promise.reject(error));
      return new this.Output(resource, settled(answer.value), settled(answer.isKnown), settled(answer.isSecret), settled(answer.deps));
    }
    const pending = {} as NonNullable<LazyProperty["waiting"]>;
    const output = new this.Output(
      resource,
      deferred<unknown>((d) => (pending.value = d)),
      deferred<boolean>((d) => (pending.isKnown = d)),
      deferred<boolean>((d) => (pending.isSecret = d)),
      deferred<pulumi.Resource[]>((d) => (pending.deps = d)),
    );
    this.waiting = pending;
    return output;
  }

  /** The SDK's resolver for this property (runtime/rpc.js): what the engine answered. */
  resolve(value: unknown, isKnown: boolean, isSecret: boolean, deps: pulumi.Resource[], error: Error | undefined): void {
    const pending = this.waiting;
    if (!pending) {
      this.answer = { value, isKnown, isSecret, deps, error };
      return;
    }
    this.waiting = undefined;
    if (error) {
      for (const [, reject] of [pending.value, pending.isKnown, pending.isSecret, pending.deps]) reject(error);
    } else {
      pending.value[0](value);
      pending.isKnown[0](isKnown);
      pending.isSecret[0](isSecret);
      pending.deps[0](deps);
    }
  }
}

/**
 * When a custom resource is declared, the SDK makes an `Output` for every property its class
 * declares (runtime/rpc.js, transferProperties): four promises each, and about ten more inside
 * the Output. azure-native classes declare every output of the Azure resource, about 19 per resource
 * here, and a program reads a few. Here each property is a getter that makes its `Output` when it is
 * first read: settled if the engine has answered by then (same value, known, secret and dependencies),
 * else pending until it answers. The properties are the same own, enumerable keys as the SDK's.
 */
function makeOutputsWhenRead(): void {
  const rpc = require("@pulumi/pulumi/runtime/rpc") as {
    transferProperties: (onto: pulumi.Resource, label: string, props: Record<string, unknown>) => Record<string, Resolver>;
  };
  const { isGrpcError } = require("@pulumi/pulumi/errors") as { isGrpcError: (error: Error) => boolean };
  // The Output constructor is internal; the SDK calls it with these arguments (output.js, OutputImpl).
  const Output = pulumi.Output as unknown as OutputConstructor;
  const shipped = rpc.transferProperties;
  const { OutputToStringError } = require("@pulumi/pulumi/output") as { OutputToStringError: { isInstance(error: unknown): boolean } };
  // Each resource's lazy properties, under a symbol of its own: found from the resource, an object
  // made from it (Object.create), a copy of its property descriptors or a Proxy of it alike.
  const LAZY = Symbol("acr-infra plan: outputs made when read");
  const lazyOf = (object: object) => (object as { [LAZY]?: Record<string, LazyProperty> })[LAZY]!;
  const define = (object: object, key: string, value: unknown) =>
    Reflect.defineProperty(object, key, { value, writable: true, configurable: true, enumerable: true });
  // One getter and setter per property name, shared by every resource. Read, the property becomes
  // the value it made, an own data property as the SDK's; where the object cannot change (sealed,
  // frozen), the getter stays and gives the same value each time. An assignment does what it does
  // to the SDK's data property.
  const accessors = new Map<string, PropertyDescriptor>();
  const accessor = (key: string): PropertyDescriptor => {
    let descriptor = accessors.get(key);
    if (!descriptor) {
      descriptor = {
        configurable: true,
        enumerable: true,
        get(this: object) {
          // The object that has the getter: the receiver or one it inherits from.
          let owner = Object(this) as object;
          while (!Object.prototype.hasOwnProperty.call(owner, key)) owner = Object.getPrototypeOf(owner) as object;
          const value = lazyOf(owner)[key].value();
          define(owner, key, value);
          return value;
        },
        set(this: object, value: unknown) {
          if (define(this, key, value)) return;
          if (!Object.prototype.hasOwnProperty.call(this, key)) throw new TypeError(`Cannot add property ${key}, object is not extensible`);
          if (Object.isFrozen(this))
            throw new TypeError(`Cannot assign to read only property '${key}' of object '#<${this.constructor.name}>'`);
          lazyOf(this)[key].set(value);
        },
      };
      accessors.set(key, descriptor);
    }
    return descriptor;
  };
  // Where the SDK's own would do more than make outputs, it does it: a class of the resource that
  // has a property of the same name (the SDK's assignment reaches it), or an input the SDK cannot
  // turn into a string for its debugging label (rpc.js, safeToString: it throws).
  const ordinary = (onto: object, props: Record<string, unknown>) =>
    Object.keys(props).every((key) => {
      if (key === "id" || key === "urn") return true;
      for (
        let proto = Object.getPrototypeOf(onto) as object | null;
        proto && proto !== Object.prototype;
        proto = Object.getPrototypeOf(proto) as object | null
      ) {
        if (Object.prototype.hasOwnProperty.call(proto, key)) return false;
      }
      if (pulumi.Output.isInstance(props[key])) return true;
      try {
        void `${props[key] as string}`;
        return true;
      } catch (error) {
        return OutputToStringError.isInstance(error);
      }
    });

  rpc.transferProperties = (onto, label, props) => {
    if (!ordinary(onto, props)) return shipped(onto, label, props);
    const resolvers: Record<string, Resolver> = {};
    const own: Record<string, LazyProperty> = {};
    Object.defineProperty(onto, LAZY, { value: own, configurable: true });
    for (const key of Object.keys(props)) {
      // As the SDK's: id and urn are the resource's own, and a property is set once.
      if (key === "id" || key === "urn") continue;
      if (Object.prototype.hasOwnProperty.call(onto, key)) {
        throw new Error(`Property '${key}' is already initialized on target '${label}`);
      }
      const property = (own[key] = new LazyProperty(onto, Output));
      Object.defineProperty(onto, key, accessor(key));
      resolvers[key] = (value, isKnown, isSecret, deps = [], error) => {
        // As the SDK's: a gRPC error leaves the outputs pending (the engine reports it itself).
        if (!(error && isGrpcError(error))) property.resolve(value, isKnown, isSecret, deps, error);
      };
    }
    return resolvers;
  };
}

/** A JSON value as google.protobuf.Struct holds one. */
type Plain = null | string | number | boolean | Plain[] | { [key: string]: Plain };

/**
 * What a value becomes on its way through a google.protobuf.Struct (google-protobuf 3.21.4,
 * google/protobuf/struct_pb.js): `Struct.fromJavaScript` takes an object's enumerable keys
 * (`for...in`), `Value.fromJavaScript` refuses anything but a string, number, boolean, null, array
 * or object with "Unexpected struct type.", and `toJavaScript` gives the keys back sorted (the
 * protobuf map sorts them as it iterates). A fresh copy, as each `toJavaScript` gives.
 */
function throughStruct(value: unknown): Plain {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object":
      return Array.isArray(value) ? value.map(throughStruct) : structThrough(value);
    default:
      throw new Error("Unexpected struct type.");
  }
}

/** What `Struct.fromJavaScript(value).toJavaScript()` gives: an object of `value`'s enumerable keys, sorted. */
function structThrough(value: unknown): { [key: string]: Plain } {
  const keys: string[] = [];
  for (const key in value as object) keys.push(key);
  const copy: { [key: string]: Plain } = {};
  for (const key of keys.sort()) copy[key] = throughStruct((value as Record<string, unknown>)[key]);
  return copy;
}

/**
 * Each request the SDK sends the mock monitor, and each answer back, carries its properties as a
 * google.protobuf.Struct: built from JavaScript (runtime/resource.js and runtime/mocks.js call
 * `Struct.fromJavaScript`), then read back whole with `toJavaScript` (runtime/rpc.js), in the same
 * process. Here `fromJavaScript` keeps the value as `toJavaScript` would give it (throughStruct)
 * instead of building a message per value. Whoever asks for the message's fields (its fields map,
 * which its binary and object forms read too) gets those google-protobuf builds, made then.
 */
function keepStructsAsValues(): void {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  // The SDK's own copy of google-protobuf, resolved as the SDK resolves it.
  const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] })) as {
    Struct: StructClass;
  };
  interface StructMessage {
    toJavaScript(): Plain;
    getFieldsMap(noLazyCreate?: boolean): unknown;
  }
  type StructClass = (new () => StructMessage) & { fromJavaScript(value: unknown): StructMessage };
  const buildMessage = Struct.fromJavaScript.bind(Struct);

  class StructOfValue extends Struct {
    private message?: StructMessage;
    constructor(private readonly value: Plain) {
      super();
    }
    private built(): StructMessage {
      return (this.message ??= buildMessage(this.value));
    }
    toJavaScript(): Plain {
      return this.message ? this.message.toJavaScript() : throughStruct(this.value);
    }
    getFieldsMap(noLazyCreate?: boolean): unknown {
      return this.built().getFieldsMap(noLazyCreate);
    }
  }
  Struct.fromJavaScript = (value) => new StructOfValue(structThrough(value));
}

/** The installed @pulumi/pulumi, and the google-protobuf it resolves. */
export function installedVersions(): { [name in keyof typeof CHECKED_AGAINST]: string } {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const version = (name: string) => (require(require.resolve(`${name}/package.json`, { paths: [sdkDir] })) as { version: string }).version;
  return { "@pulumi/pulumi": version("@pulumi/pulumi"), "google-protobuf": version("google-protobuf") };
}

/**
 * Applies all of the above, if the installed SDK and google-protobuf are the versions they were
 * checked against; says whether it did. The plan calls it once, before it loads the program.
 */
export function leanSdkForPlan(): boolean {
  const installed = installedVersions();
  if (!CHECKED_AGAINST["@pulumi/pulumi"].includes(installed["@pulumi/pulumi"])) return false;
  if (!CHECKED_AGAINST["google-protobuf"].includes(installed["google-protobuf"])) return false;
  skipPromiseLeakBookkeeping();
  skipSourcePositions();
  makeOutputsWhenRead();
  keepStructsAsValues();
  return true;
}

/**
 * What the SDK's promise-leak check says when a program ends with resources still waiting (a
 * promise that never settles, a cycle): its own message (runtime/debuggable.js, leakedPromises,
 * which names each waiting registration) when it knows of any, else a plain one. The plan asks for
 * it when its program stops before finishing; without the bookkeeping, the check has no promise to
 * go on, so it is given one.
 */
export function unfinishedProgramMessage(): string {
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    leakedPromises(): [Set<unknown>, string];
    debugPromiseLeaks: boolean;
  };
  state.getStore().leakCandidates.add(new Promise(() => undefined));
  // Its PULUMI_DEBUG_PROMISE_LEAKS listing would show the stand-in, which has nothing to show.
  const debugging = debuggable.debugPromiseLeaks;
  debuggable.debugPromiseLeaks = false;
  const [, message] = debuggable.leakedPromises();
  debuggable.debugPromiseLeaks = debugging;
  // Its advice to set PULUMI_DEBUG_PROMISE_LEAKS is for the bookkeeping the plan leaves out.
  return message.startsWith("The Pulumi runtime detected that the program exited before")
    ? message.split("\n\nRe-run your program with the `PULUMI_DEBUG_PROMISE_LEAKS`")[0]
    : "the program never finished: something it waits for (a promise, an output) never settles";
}
