/** Tests are transpiled by swc (fast); `tsc --noEmit` in `npm test` does the type-checking. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }] },
  // Each test file is its own Pulumi stack (the SDK keeps one per process), so files run in separate workers.
  testTimeout: 30000,
};
