// How the Pulumi CLI's Node.js language host starts a program for this project's Pulumi.yaml
// (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go, read at 1b59498): runtime option
// `typescript` (default true) sets PULUMI_NODEJS_TYPESCRIPT=true, `tsconfig` sets
// PULUMI_NODEJS_TSCONFIG_PATH, and `nodeargs` is split like a shell line and passed, before the
// SDK's cmd/run, to the `node` found first on PATH (exec.LookPath). The node process starts in the
// project's folder (pkg/engine/project.go getPwdMain; pkg/host/host.go starts the language host
// there, plugin.go sets its cmd.Dir), so a relative --require is read from there.
"use strict";
const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");

/** The node arguments (before the entry) and environment the language host gives the program. */
function languageHostLaunch(projectDir) {
  const project = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
  const options = (typeof project.runtime === "object" && project.runtime.options) || {};
  const env = {};
  if (options.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const nodeargs = options.nodeargs ?? "";
  // shlex.Split; this project's nodeargs need no quoting, and a quote here would be misread.
  if (/["'\\]/.test(nodeargs)) throw new Error(`nodeargs ${JSON.stringify(nodeargs)}: quoting is not read here`);
  return { nodeArgs: nodeargs.split(/\s+/).filter(Boolean), env, options };
}

module.exports = { languageHostLaunch };
