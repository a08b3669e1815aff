#!/usr/bin/env node
// Entry point of the project's command-line tools: `node tools/run.js <plan|images|bench> [args]`.
// npm scripts call it with the Node.js 22 that `npm ci` installs into node_modules/.bin.
"use strict";
require("./register");

const entries = {
  plan: "./plan.ts",
  images: "./images/cli.ts",
  bench: "./bench.ts",
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
