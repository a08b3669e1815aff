// Preloaded (`node --require`) to run as after `npm ci --omit=dev`: every devDependency of
// package.json cannot be found, as if it were not installed.
"use strict";
const Module = require("module");
const path = require("path");
const pkg = require(path.resolve(__dirname, "..", "..", "package.json"));
const dev = new Set(Object.keys(pkg.devDependencies));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const name = request.startsWith("@") ? request.split("/").slice(0, 2).join("/") : request.split("/")[0];
  if (dev.has(name)) {
    const error = new Error(`Cannot find module '${request}' (a devDependency, left out by --omit=dev)`);
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
