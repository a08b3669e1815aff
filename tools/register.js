// Lets Node run TypeScript directly (the offline plan, the image tool, a team's program given by
// --program): each .ts file is transpiled to CommonJS as it is required, by swc when it is
// installed (this project's own dev setup) or else by the TypeScript compiler that Pulumi
// TypeScript programs have. No type-checking happens here; `tsc --noEmit` does that.
"use strict";
const { createHash } = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

// In this repository, `acr-infra`, `acr-infra/testing` and `acr-infra/policy` (as the examples and
// teams import them) resolve to the sources, as they resolve to the built package once installed.
// In the installed package the sources are absent and nothing changes.
const SOURCE_ENTRIES = {
  "acr-infra": "../components/index.ts",
  "acr-infra/testing": "../testing/index.ts",
  "acr-infra/policy": "../policy/rules.ts",
};
if (fs.existsSync(path.join(__dirname, SOURCE_ENTRIES["acr-infra"]))) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveFromSources(request, ...rest) {
    const entry = Object.hasOwn(SOURCE_ENTRIES, request) ? SOURCE_ENTRIES[request] : undefined;
    return entry ? path.join(__dirname, entry) : resolve.call(this, request, ...rest);
  };
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

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};
