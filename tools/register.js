// Lets Node run this project's TypeScript directly (the offline plan, the image tool, a team's
// program given by --program): each .ts file is transpiled by swc as it is required. No type-checking
// happens here; `npm test` runs `tsc --noEmit` for that.
"use strict";
const fs = require("fs");
const { transformSync } = require("@swc/core");

const options = {
  jsc: { target: "es2022", parser: { syntax: "typescript" } },
  module: { type: "commonjs" },
};

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), { ...options, filename });
  module._compile(code, filename);
};
