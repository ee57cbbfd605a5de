/*
 * Lets the examples/team-spark-job template run inside this repository: `@moka/contract` (what an app-team
 * repository installs from the packed tarball) resolves to the repository's contract/index.ts. Loaded with
 * `mocha --require` by tests/examples/team-spark-job.spec.ts, in a child process of its own.
 */
"use strict";
const Module = require("module");
const path = require("path");

const TARGET = path.resolve(__dirname, "..", "..", "contract", "index.ts");
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    return request === "@moka/contract" ? TARGET : original.call(this, request, ...rest);
};
