#!/usr/bin/env node
// Entry point of the command-line tools: `node tools/run.js <plan|images|bench> [args]`. npm
// scripts call it with the Node.js 22 that `npm ci` installs into node_modules/.bin; the package
// installs it as the `acr-infra` command. Entries are named without extension: the sources are
// .ts (run through ./register), the built package has .js.
"use strict";
require("./register");

const entries = {
  plan: "./plan",
  images: "./images/cli",
  bench: "./bench",
};
const [command, ...args] = process.argv.slice(2);
if (!Object.hasOwn(entries, command)) {
  process.stderr.write(`usage: node tools/run.js <${Object.keys(entries).join("|")}> [options]\n`);
  process.exit(1);
}
require(entries[command])
  .main(args)
  .then((code) => {
    process.exitCode = code;
  });
