import { scryptSync } from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ReadResourceRequest, RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { SECRET_MASK } from "../policy/secret-mask";
import { AzureMocks } from "./azure-mocks";
import { findProjectDir, loadProgram, readProjectName } from "./program";

/** One resource as the engine would receive it: type, name, options and inputs. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN; null for a resource at the top of the stack. */
  parent: string | null;
  /** A custom resource (a real Azure/Entra ID object, or one read from elsewhere) rather than a component. */
  custom: boolean;
  protect: boolean;
  /** URNs this resource waits for: explicit dependsOn and the resources its inputs come from. */
  dependsOn: string[];
  /** The inputs, with every secret value replaced by "[secret]". */
  inputs: Record<string, unknown>;
  /** Each secret input's fingerprint, by path (see secretFingerprints): the secret itself is never kept. */
  secretFingerprints: Record<string, string>;
  /** For each input property, the URNs of the resources its value comes from. */
  propertyDependencies: Record<string, string[]>;
  /** Output properties the engine is told to keep secret in state. */
  additionalSecretOutputs: string[];
  /** Input paths whose change replaces the resource, and whether the old one goes first. */
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  /** Input paths the engine never updates on an existing resource. */
  ignoreChanges: string[];
  /** Left in the cloud when Pulumi deletes or replaces it. */
  retainOnDelete: boolean;
}

export interface ProgramRun {
  project: string;
  stack: string;
  /** Every registered resource, sorted by URN so that the same program lists them the same way. */
  resources: PlannedResource[];
  /** The program's exports (stack outputs) with values resolved; secrets shown as "[secret]". */
  outputs: Record<string, unknown>;
  /** The exports as the program returned them (Outputs and all), for `pulumi.isSecret` checks. */
  exports: Record<string, unknown>;
}

export interface RunOptions {
  /**
   * The program: its file (such as `path.join(__dirname, "..", "index.ts")`), loaded afresh on each
   * run; or a function that declares the resources, each time it is called, and returns the exports
   * (an object, or nothing). A function that `require`s the program declares it once only.
   */
  program: string | (() => unknown);
  /** The project name; by default the name in the program's Pulumi.yaml (see `projectDir`), else "acr-infra". */
  project?: string;
  /** The folder of the program's Pulumi.yaml; by default the nearest at or above the program's file. */
  projectDir?: string;
  stack?: string;
  /** Stack config by full key (`acr-infra:sku`); values that are not strings are JSON-encoded as the CLI does. */
  config?: Record<string, unknown>;
  /** Config keys that are secret. */
  secretConfigKeys?: string[];
  mocks?: pulumi.runtime.Mocks;
}

// What the harness reads of a registration and a read (the engine protocol's requests, typed by the
// SDK's proto/resource_pb), and the SDK's mock monitor that receives them (runtime/mocks.js, not a
// typed API: tests/pulumi-sdk.test.ts pins what the harness relies on). The monitor receives exactly
// what `pulumi up` would send the engine, so recording here shows the real options.
type RegisterRequest = Pick<
  RegisterResourceRequest,
  | "getType"
  | "getName"
  | "getParent"
  | "getCustom"
  | "getProtect"
  | "getDependenciesList"
  | "getAdditionalsecretoutputsList"
  | "getReplaceonchangesList"
  | "getDeletebeforereplace"
  | "getIgnorechangesList"
  | "getRetainondelete"
  | "getPropertydependenciesMap"
  | "getObject"
>;
/** A read of an existing resource (a StackReference, a `.get()`). */
type ReadRequest = Pick<ReadResourceRequest, "getType" | "getName" | "getParent" | "getDependenciesList" | "getProperties">;
type Callback = (error: unknown, response?: { getUrn(): string }) => void;
interface MockMonitorLike {
  registerResource(request: RegisterRequest, callback: Callback): unknown;
  readResource(request: ReadRequest, callback: Callback): unknown;
  /** How the mock monitor names a resource; its registerResource and readResource call it. */
  newUrn(parent: string, type: string, name: string): string;
}

const ROOT_STACK_TYPE = pulumi.runtime.rootPulumiStackTypeName;

// The SDK's wire markers for special values (@pulumi/pulumi runtime/rpc).
const { specialSigKey: SIG_KEY, specialSecretSig: SECRET_SIG, specialResourceSig: RESOURCE_SIG } = pulumi.runtime;

function propertyDependencies(request: RegisterRequest): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((value, key) => {
    result[key] = [...value.getUrnsList()].sort();
  });
  return result;
}

/**
 * Aliases name the types and URNs a resource had before, so that the engine can match it with
 * existing state. A run under mocks has no state, so they cannot change what it shows, and
 * resolving them (azure-native gives every resource one per earlier API version) is more than half
 * of the time a run takes.
 */
function withoutAliases(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult {
  return { props: args.props, opts: { ...args.opts, aliases: undefined } };
}

/** Turns wire values into plain JSON: secrets masked, resource references as their URN. */
function plainValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainValue);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return SECRET_MASK;
  if (record[SIG_KEY] === RESOURCE_SIG) return record.urn;
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, plainValue(item)]));
}

/** A request's inputs as the plan shows them, and the fingerprints of its secrets, from one conversion of the wire values. */
function inputsOf(wire: unknown): { inputs: Record<string, unknown>; secretFingerprints: Record<string, string> } {
  return { inputs: plainValue(wire ?? {}) as Record<string, unknown>, secretFingerprints: secretFingerprints(wire ?? {}) };
}

/** An input path as text: `a.b[0]`, with keys that are not plain names quoted: `tags["a.b"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === "number") return `[${segment}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join("");
}

/**
 * A fingerprint of each secret in wire values, by input path (`serviceUri`, `a.b[0]`): so that two
 * plans can tell a changed secret from an unchanged one without holding it. scrypt (a slow hash,
 * fixed salt) keeps a guessable secret costly to recover from a fingerprint; the offline plan's
 * secrets come from the stack file as written or from the mocks (secure: values are replaced by
 * a stand-in that carries a hash of their ciphertext), not from Azure.
 */
export function secretFingerprints(value: unknown, segments: readonly (string | number)[] = []): Record<string, string> {
  if (value === null || typeof value !== "object") return {};
  const record = value as Record<string, unknown>;
  if (!Array.isArray(value) && record[SIG_KEY] === SECRET_SIG) {
    const digest = scryptSync(JSON.stringify(record.value ?? null), "acr-infra offline plan", 12).toString("hex");
    return { [formatPath(segments)]: `scrypt:${digest}` };
  }
  if (!Array.isArray(value) && record[SIG_KEY] !== undefined) return {};
  const entries: [(string | number)[], unknown][] = Array.isArray(value)
    ? value.map((item, i) => [[...segments, i], item])
    : Object.entries(record).map(([key, item]) => [[...segments, key], item]);
  return Object.assign({}, ...entries.map(([here, item]) => secretFingerprints(item, here))) as Record<string, string>;
}

/** The value of an Output (or plain value), with secrets masked when `maskSecrets`. */
export async function resolveValue(value: unknown, maskSecrets = true): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) {
    if (Array.isArray(value)) return Promise.all(value.map((item) => resolveValue(item, maskSecrets)));
    if (value !== null && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveValue(v, maskSecrets)]));
      return Object.fromEntries(entries);
    }
    return value;
  }
  if (maskSecrets && (await pulumi.isSecret(value))) return SECRET_MASK;
  const inner = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
  return resolveValue(inner, maskSecrets);
}

const REPEATED_EXPORTS =
  "the program returned the exports of an earlier run, so it did not run again: a module declares its resources once, " +
  'when it is first loaded. Give the program\'s file instead (program: path.join(__dirname, "index.ts")): each run loads it afresh.';

/** The project name: as given, else from the program's Pulumi.yaml, else "acr-infra". */
function projectName(options: Pick<RunOptions, "program" | "project" | "projectDir">): string {
  if (options.project !== undefined) return options.project;
  const dir =
    options.projectDir ?? (typeof options.program === "string" ? findProjectDir(path.dirname(path.resolve(options.program))) : undefined);
  return (dir === undefined ? undefined : readProjectName(dir)) ?? "acr-infra";
}

// The exports of every run so far: a program that returns the same object again was not run again.
const earlierExports = new WeakSet<object>();
// The SDK keeps one deployment per process (its settings, root stack and monitor); runs take turns.
let previousRun: Promise<unknown> = Promise.resolve();

/**
 * Runs a Pulumi program under the SDK's mock engine with realistic Azure mocks and returns every
 * resource it declared (with options and inputs) and its outputs. Runs may follow one another in
 * one process, each with its own project, stack, config and mocks; overlapping calls wait their turn.
 */
export function runProgram(options: RunOptions): Promise<ProgramRun> {
  const run = previousRun.then(() => runOnce(options));
  previousRun = run.catch(() => undefined);
  return run;
}

async function runOnce(options: RunOptions): Promise<ProgramRun> {
  const project = projectName(options);
  const { program } = options;
  const stack = options.stack ?? "dev";
  const config = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  // Both replace what an earlier run set: setMocks starts a new deployment (settings, root stack, monitor).
  pulumi.runtime.setAllConfig(config, options.secretConfigKeys);
  await pulumi.runtime.setMocks(options.mocks ?? new AzureMocks(), project, stack);

  const recorded: PlannedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  // The engine leaves the root stack out of its children's URNs; the SDK's mock monitor puts it in.
  const newUrn = monitor.newUrn.bind(monitor);
  monitor.newUrn = (parent, type, name) => newUrn(parent?.split("::")[2] === ROOT_STACK_TYPE ? "" : parent, type, name);
  /** Passes a request on to the monitor, and records the resource once the monitor gave it a URN. */
  const recording =
    <R>(forward: (request: R, callback: Callback) => unknown, describe: (request: R) => Omit<PlannedResource, "urn">) =>
    (request: R, callback: Callback) =>
      forward(request, (error, response) => {
        if (!error && response) recorded.push({ urn: response.getUrn(), ...describe(request) });
        callback(error, response);
      });
  const common = (request: RegisterRequest | ReadRequest) => ({
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent() || null,
    dependsOn: [...new Set(request.getDependenciesList())].sort(),
  });
  monitor.registerResource = recording(monitor.registerResource.bind(monitor), (request: RegisterRequest) => ({
    ...common(request),
    custom: request.getCustom(),
    protect: request.getProtect() ?? false,
    ...inputsOf(request.getObject()?.toJavaScript()),
    propertyDependencies: propertyDependencies(request),
    additionalSecretOutputs: [...request.getAdditionalsecretoutputsList()].sort(),
    replaceOnChanges: [...request.getReplaceonchangesList()],
    deleteBeforeReplace: request.getDeletebeforereplace(),
    ignoreChanges: [...request.getIgnorechangesList()],
    retainOnDelete: request.getRetainondelete() ?? false,
  }));
  monitor.readResource = recording(monitor.readResource.bind(monitor), (request: ReadRequest) => ({
    ...common(request),
    custom: true,
    protect: false,
    ...inputsOf(request.getProperties()?.toJavaScript()),
    propertyDependencies: {},
    additionalSecretOutputs: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    ignoreChanges: [],
    retainOnDelete: false,
  }));

  // As `pulumi up` does: the program runs inside the root stack resource, its exports the stack's
  // outputs. A program that fails is reported here, not as the stack's own rejection.
  let returned: unknown;
  let failure: { error: unknown } | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(withoutAliases);
    try {
      // A program file may export a function (`export = async () => {...}`): Pulumi runs it and its
      // result is the stack's outputs (@pulumi/pulumi cmd/run/run.js: "If the exported value was
      // itself a Function, then just execute it").
      const loaded = typeof program === "string" ? loadProgram(program) : program();
      returned = await (typeof program === "string" && typeof loaded === "function" ? (loaded as () => unknown)() : loaded);
      if (returned !== null && typeof returned === "object") {
        if (earlierExports.has(returned)) throw new Error(REPEATED_EXPORTS);
        earlierExports.add(returned);
      }
      return returned;
    } catch (error) {
      failure = { error };
      return undefined;
    }
  });
  if (failure) {
    // Settle what was registered before the failure, so that the next run in this process starts
    // clean; a registration that waits for what never comes cannot settle, and then the failure is
    // still the program's to report.
    await unlessStalled(pulumi.runtime.disconnect());
    throw failure.error;
  }
  const exports: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((returned ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && key !== "__esModule" && key !== "default") exports[key] = value;
  }
  const outputs: Record<string, unknown> = {};
  for (const key of Object.keys(exports).sort()) {
    const value = await resolveValue(exports[key]);
    if (value !== undefined) outputs[key] = value;
  }
  // Wait for every registration still in flight before reading what was recorded.
  await pulumi.runtime.disconnect();
  recorded.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { project, stack, resources: recorded, outputs, exports };
}

/** Waits for `promise`, or until Node has nothing left to do (its event loop is empty), whichever comes first. */
async function unlessStalled(promise: Promise<unknown>): Promise<void> {
  let stalled = () => undefined as void;
  const stall = new Promise<void>((resolve) => (stalled = resolve));
  process.once("beforeExit", stalled);
  try {
    await Promise.race([promise, stall]);
  } finally {
    process.off("beforeExit", stalled);
  }
}
