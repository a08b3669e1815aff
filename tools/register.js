// Lets Node run TypeScript directly (the offline plan, the image tool, a team's program given by
// --program): each .ts file is transpiled to CommonJS as it is loaded, by swc when it is installed
// (this project's own dev setup) or else by the TypeScript compiler that Pulumi TypeScript
// programs have. No type-checking happens here; `tsc --noEmit` does that.
//
// It uses Node's synchronous module customization hooks, `module.registerHooks` (Node.js v22 docs,
// "Modules: node:module API": added in v23.5.0 and v22.15.0, stability 1.1 "active development"),
// which both require() and import go through, instead of patching Module._resolveFilename and
// require.extensions. Hence engines ">=22.15" in package.json.
"use strict";
const { createHash } = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { fileURLToPath, pathToFileURL } = require("url");
const { packageRoot, sourceEntries } = require("./package-entries");

if (typeof Module.registerHooks !== "function") {
  // A stack trace would say less than this; nothing below can run without the hooks.
  process.stderr.write(
    `error: acr-infra's tools need Node.js 22.15 or later (their TypeScript loader uses module.registerHooks); this is ${process.version}\n`,
  );
  process.exit(1);
}

// In this repository, `acr-infra`, `acr-infra/testing` and `acr-infra/policy` (as the examples and
// teams import them) resolve to the sources, as they resolve to the built package once installed.
// In the installed package the sources are absent and nothing is mapped.
const root = packageRoot(__dirname);
const SOURCES = new Map(
  Object.entries(sourceEntries(root))
    .map(([name, source]) => [name, path.join(root, source)])
    .filter(([, file]) => fs.existsSync(file)),
);

const NOT_FOUND = new Set(["MODULE_NOT_FOUND", "ERR_MODULE_NOT_FOUND"]);

function resolve(specifier, context, nextResolve) {
  const source = SOURCES.get(specifier);
  if (source) return { url: pathToFileURL(source).href, shortCircuit: true };
  try {
    return nextResolve(specifier, context);
  } catch (error) {
    // TypeScript sources import each other without extension (`./harness`, `./components`), as tsc
    // resolves them: after what Node finds itself (a .js first), try the .ts file and the folder's index.ts.
    if (!NOT_FOUND.has(error?.code) || !(specifier.startsWith(".") || path.isAbsolute(specifier))) throw error;
    for (const candidate of [`${specifier}.ts`, `${specifier}/index.ts`]) {
      try {
        return nextResolve(candidate, context);
      } catch {
        // the next candidate
      }
    }
    throw error;
  }
}

function makeTranspiler() {
  try {
    const { transformSync } = require("@swc/core");
    const options = { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } };
    return (source, filename) => transformSync(source, { ...options, filename }).code;
  } catch {
    // fall through to TypeScript
  }
  try {
    const ts = require(require.resolve("typescript", { paths: [process.cwd(), __dirname] }));
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    return (source, filename) => ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
  } catch {
    return () => {
      throw new Error("running a TypeScript program needs the typescript package: npm install --save-dev typescript");
    };
  }
}

// Transpiled files are kept in node_modules/.cache, keyed by path and content: a plan then loads
// neither swc nor TypeScript unless a file changed, which is a good part of its cost above the SDK's.
const CACHE_DIR = path.join(process.cwd(), "node_modules", ".cache", "acr-infra-ts");
const CACHE_VERSION = "1";
let transpile;

function compiled(source, filename) {
  const key = createHash("sha256").update(`${CACHE_VERSION}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  transpile ??= makeTranspiler();
  const code = transpile(source, filename);
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside and renamed: several processes (test workers) may compile the same file at once.
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached);
  } catch {
    // A read-only or missing node_modules only costs the cache.
  }
  return code;
}

// Every .ts file is CommonJS once transpiled: short-circuit Node's own handling, which (type
// stripping, on by default from Node 22.18) would run one with `export` in it as an ES module.
function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  return { format: "commonjs", source: compiled(fs.readFileSync(filename, "utf8"), filename), shortCircuit: true };
}

Module.registerHooks({ resolve, load });
