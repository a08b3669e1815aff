const { sourceEntries } = require("./tools/package-entries");

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Tests are transpiled by swc (fast); `tsc --noEmit` in `npm test` does the type-checking. */
module.exports = {
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }] },
  // The examples import the package by name; in this repository that is the sources (tools/package-entries.js).
  moduleNameMapper: Object.fromEntries(
    Object.entries(sourceEntries(__dirname)).map(([name, source]) => [`^${escapeRegExp(name)}$`, `<rootDir>/${source}`]),
  ),
  roots: ["<rootDir>/tests", "<rootDir>/examples"],
  // Each test file is its own Pulumi stack (the SDK keeps one per process), so files run in separate workers.
  // At least two: much of a test's time is spent waiting on the processes and servers it starts, so a
  // second worker goes on meanwhile (jest's default, one less than the cores, is one on a 2-core machine).
  maxWorkers: Math.max(2, require("os").availableParallelism() - 1),
  testTimeout: 30000,
};
