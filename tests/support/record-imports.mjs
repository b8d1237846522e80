// Module hooks for a spawned Node.js process (`--import` a `register()` of this file): append the
// URL of every module it resolves to the file named by CELLPLANE_RECORD_IMPORTS, to test what a
// command loads.
import fs from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  fs.appendFileSync(process.env.CELLPLANE_RECORD_IMPORTS, `${resolved.url}\n`);
  return resolved;
}
