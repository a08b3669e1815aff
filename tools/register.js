// Lets Node run TypeScript directly (the offline plan, the image tool, a team's program given by
// --program): each .ts file is transpiled to CommonJS as it is required, by swc when it is
// installed (this project's own dev setup) or else by the TypeScript compiler that Pulumi
// TypeScript programs have. No type-checking happens here; `tsc --noEmit` does that.
"use strict";
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

const transpile = makeTranspiler();
require.extensions[".ts"] = function compileTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
