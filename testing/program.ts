import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/** The folder of the nearest Pulumi.yaml at or above `dir` (where the Pulumi CLI would find it); undefined when there is none. */
export function findProjectDir(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, "Pulumi.yaml"))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/** The project name in `projectDir`'s Pulumi.yaml; undefined when it has none. */
export function readProjectName(projectDir: string): string | undefined {
  const file = path.join(projectDir, "Pulumi.yaml");
  if (!fs.existsSync(file)) return undefined;
  const project = yaml.load(fs.readFileSync(file, "utf8")) as { name?: unknown } | undefined;
  return typeof project?.name === "string" ? project.name : undefined;
}

// jest gives every module it loads its `jest` object (not a global); elsewhere this is undefined.
declare const jest: { isolateModules(load: () => void): unknown } | undefined;

/** Forgets a loaded module and the modules it loaded that are not packages, so that they run again. */
function forget(file: string, seen = new Set<string>()): void {
  const loaded = require.cache[file];
  if (!loaded || seen.has(file)) return;
  seen.add(file);
  delete require.cache[file];
  for (const child of loaded.children) {
    if (!child.filename.split(path.sep).includes("node_modules")) forget(child.filename, seen);
  }
}

/**
 * Loads a Pulumi program from its file, afresh each time: a program declares its resources while
 * it is loaded, and Node (or jest) would otherwise hand back the module of the first load, which
 * declares nothing more. Under Node the program's own files run again (packages stay loaded); under
 * jest, whose module registry cannot be edited, the program loads in an isolated registry.
 */
export function loadProgram(file: string): unknown {
  const resolved = path.resolve(file);
  let exports: unknown;
  /* eslint-disable @typescript-eslint/no-require-imports -- a program runs when it is loaded: after the mocks are in place, and again on each run */
  if (typeof jest !== "undefined") {
    jest.isolateModules(() => (exports = require(resolved) as unknown));
    return exports;
  }
  // The file as given, or as the loader completes it (index → index.ts).
  for (const candidate of [resolved, `${resolved}.ts`, `${resolved}.js`]) forget(candidate);
  return require(resolved) as unknown;
  /* eslint-enable @typescript-eslint/no-require-imports */
}
