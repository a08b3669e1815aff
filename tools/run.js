#!/usr/bin/env node
// Entry point of the command-line tools: `node tools/run.js <plan|images|bench|generate|schema> [args]`. npm
// scripts call it with the Node.js 22 that `npm ci` installs into node_modules/.bin; the package
// installs it as the `acr-infra` command. Entries are named without extension, a folder by its
// index: the sources are .ts (run through ./register), the built package has .js.
"use strict";
// The TypeScript loader, which also turns on V8's compile cache: first, before anything else loads.
require("./register");

const fs = require("fs");
const path = require("path");

// The benchmark measures this repository's own stacks, the generator writes its own files and the
// schema is read from the TypeScript sources, so the package leaves the three out.
const entries = { plan: "./plan", images: "./images/cli", bench: "./bench", generate: "./generate/main", schema: "./schema" };
const available = Object.keys(entries).filter((name) =>
  [".ts", ".js", "/index.ts", "/index.js"].some((suffix) => fs.existsSync(path.join(__dirname, `${entries[name]}${suffix}`))),
);
const [command, ...args] = process.argv.slice(2);
if (!available.includes(command)) {
  const self = path.basename(process.argv[1]) === "run.js" ? "node tools/run.js" : path.basename(process.argv[1]);
  process.stderr.write(`usage: ${self} <${available.join("|")}> [options]\n`);
  process.exit(1);
}
require(entries[command])
  .main(args)
  .then((code) => {
    process.exitCode = code;
  });
