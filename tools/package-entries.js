// The one mapping from the package's names (`acr-infra`, `acr-infra/testing`, `acr-infra/policy`)
// to the TypeScript sources they are built from, derived from package.json "exports" by the build's
// rule (tsconfig.build.json compiles <x>.ts to dist/<x>.js). The TypeScript loader (./register.js)
// and jest.config.js read it; tsconfig.json's "paths" cannot compute, so tests/loader.test.ts checks
// they say the same.
"use strict";
const fs = require("fs");
const path = require("path");

/** The folder of the nearest package.json at or above `dir`: this repository, or the installed package. */
function packageRoot(dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, "package.json"))) return current;
    if (path.dirname(current) === current) throw new Error(`no package.json at or above ${dir}`);
  }
}

/**
 * Each package name an importer writes, with its source file relative to the package root (POSIX
 * separators): `{ "acr-infra/testing": "testing/index.ts", ... }`. Exports that are not built from
 * a source (`./package.json`) are left out.
 */
function sourceEntries(root = packageRoot(__dirname)) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const entries = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const built = typeof target === "string" ? target : target.default;
    const match = /^\.\/dist\/(.+)\.js$/.exec(built ?? "");
    if (match) entries[path.posix.join(pkg.name, subpath)] = `${match[1]}.ts`;
  }
  return entries;
}

module.exports = { packageRoot, sourceEntries };
