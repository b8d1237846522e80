#!/usr/bin/env node
// `npx cellplane …`: the command-line interface (scripts/cli.ts), run from its plain JavaScript
// build in dist/cli/ (made at `npm install` and `npm run build`; scripts/build-cli.mjs).
//
// When that build is missing or was made from other sources (a developer edited scripts/cli.ts or
// anything it imports, or switched branches), it is rebuilt here first rather than run through
// tsx: a rebuild takes 0.2–0.5 s once, where tsx cost 0.8–1.8 s of CPU on every run (npm run
// bench:cli), and the command then runs the same code `npm install` builds, not a second way of
// loading it.
import v8 from "node:v8";
import { buildCli, cliBuildIsCurrent, cliEntry } from "../scripts/build-cli.mjs";

// Prisma's query compiler is a WebAssembly module compiled at every start. V8 compiles it twice by
// default (a quick baseline, then optimised code on background threads); a command runs a handful
// of queries, so the baseline alone is enough: about half the CPU of `import fleet` (npm run
// bench:cli). Set before anything compiles WebAssembly, in this process only (not the app server).
v8.setFlagsFromString("--liftoff-only");

if (!cliBuildIsCurrent()) {
  try {
    await buildCli();
  } catch (e) {
    console.error(`cellplane: the CLI could not be built from its sources:\n${e.message}`);
    process.exit(1);
  }
}
const { run } = await import(cliEntry());
process.exit(await run(process.argv.slice(2)));
