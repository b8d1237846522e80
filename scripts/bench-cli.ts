// `npm run bench:cli`: what does a CLI command cost as a whole process, built (dist/cli/) against
// the old way (TypeScript compiled at start by tsx)?
//
// Starts a scratch embedded PostgreSQL (as `npm start` would have one running), then times whole
// processes in turns — floor, built, tsx, … — so machine drift hits every variant alike:
//   floor                    `node -e 0`: an empty Node.js process, what no CLI can go below
//   built                    `node bin/cellplane.mjs …`, and `npx cellplane …` (npx's own cost on top),
//                            and the built entry without the bin's `--liftoff-only` (V8's defaults)
//   tsx, this source         today's scripts/cli.ts through tsx (tsx's compile cache warm): what
//                            building saves over loading the same lazy code through tsx
//   tsx, all loaded (before) the CLI as it ran before the build: through tsx, every command's
//                            modules loaded at start; and the same with tsx's cache off (a fresh
//                            checkout, or after an edit)
// for `--help` and `import fleet examples/fleet.yaml` (joining the running PostgreSQL; every
// counted import finds the registry already matching, as a GitOps re-apply does). CPU is the
// user + system time of the process and its children (from the shell's `times`; PostgreSQL's own
// work is not in it), wall time is measured around it. Prints medians and ratios within this run.
// Targets on a quiet machine:
// built `--help` < 0.3 s of CPU, built `import fleet` < 1 s.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildCli, cliBuildIsCurrent, cliEntry } from "./build-cli.mjs";
import { Cleanup, log, scratchDatabase } from "./bench-support";
import { ROOT } from "./runtime";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    "pg-port": { type: "string", default: "54367" },
    "data-dir": { type: "string", default: ".data/bench-cli" },
    "no-cold": { type: "boolean", default: false },
  },
});
const RUNS = Number(args.runs);

interface Sample {
  cpu: number;
  wall: number;
}

/**
 * The CLI run through tsx, as bin/cellplane.mjs ran it before the build: tsx registered with the
 * project's tsconfig, then the TypeScript imported. `eager` also loads, before the command runs,
 * every module the CLI imported statically at the time (database, Prisma, YAML readers, stores),
 * which is what each command — `--help` included — paid then.
 */
const EAGER = [
  "lib/db/client.ts",
  "lib/fleet/fleet-yaml.ts",
  "lib/fleet/server/store.ts",
  "lib/flags/flags-yaml.ts",
  "lib/flags/server/store.ts",
  "lib/auth/server/users.ts",
  "lib/rollouts/describe.ts",
  "lib/rollouts/pipeline-yaml.ts",
  "lib/rollouts/server/pipeline-store.ts",
  "lib/gateway/config-yaml.ts",
  "lib/gateway/model.ts",
  "lib/gateway/server/store.ts",
  "lib/yaml-errors.ts",
  "lib/schema-migrations/server/store.ts",
  "scripts/runtime.ts",
];
const tsxShim = (eager: boolean) => `import { register } from "tsx/esm/api";
register({ tsconfig: ${JSON.stringify(path.join(ROOT, "tsconfig.json"))} });
${eager ? `for (const m of ${JSON.stringify(EAGER.map((f) => path.join(ROOT, f)))}) await import(m);\n` : ""}const { run } = await import(${JSON.stringify(path.join(ROOT, "scripts", "cli.ts"))});
process.exit(await run(process.argv.slice(1)));`;

const node = process.execPath;
const npx = path.join(path.dirname(node), "npx");

interface Variant {
  name: string;
  argv: (cliArgs: string[]) => string[];
  env?: Record<string, string>;
}

const BUILT = "built: node bin/cellplane.mjs";
const VARIANTS: Variant[] = [
  { name: "floor: node -e 0", argv: () => [node, "-e", "0"] },
  { name: BUILT, argv: (a) => [node, path.join(ROOT, "bin", "cellplane.mjs"), ...a] },
  { name: "built: npx cellplane", argv: (a) => [npx, "--no-install", "cellplane", ...a] },
  {
    name: "built, V8's default wasm tiers",
    argv: (a) => [
      node,
      "--input-type=module",
      "-e",
      `const { run } = await import(${JSON.stringify(cliEntry())}); process.exit(await run(process.argv.slice(1)));`,
      "--",
      ...a,
    ],
  },
  { name: "tsx, this source", argv: (a) => [node, "--input-type=module", "-e", tsxShim(false), "--", ...a] },
  { name: "tsx, all loaded (before)", argv: (a) => [node, "--input-type=module", "-e", tsxShim(true), "--", ...a] },
  ...(args["no-cold"]
    ? []
    : [
        {
          name: "tsx, all loaded, cache off",
          argv: (a: string[]) => [node, "--input-type=module", "-e", tsxShim(true), "--", ...a],
          env: { TSX_DISABLE_CACHE: "1" },
        },
      ]),
];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-bench-cli-"));
let childEnv: NodeJS.ProcessEnv = process.env;

/** One whole process: CPU of it and its children (the shell's `times`, second line), wall time around it. */
function once(v: Variant, cliArgs: string[], expect: { code: number; out?: string }): Sample {
  const out = path.join(scratch, "out"),
    err = path.join(scratch, "err");
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/bin/sh", ["-c", `"$@" >"${out}" 2>"${err}"; code=$?; times; exit $code`, "sh", ...v.argv(cliArgs)], {
    cwd: ROOT,
    env: { ...childEnv, ...v.env },
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== expect.code || (expect.out && !v.name.startsWith("floor") && !fs.readFileSync(out, "utf8").includes(expect.out))) {
    throw new Error(`${v.name} ${cliArgs.join(" ")}: exit ${r.status}, not what the CLI prints\n${fs.readFileSync(err, "utf8")}`);
  }
  const children = r.stdout.trim().split("\n")[1] ?? "";
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`could not read the shell's times: ${JSON.stringify(r.stdout)}`);
  return { cpu: secs[0]! + secs[1]!, wall };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (x: number) => `${x.toFixed(3)} s`;

function compare(title: string, cliArgs: string[], expect: { code: number; out: string }, variants: Variant[]) {
  const samples = new Map(variants.map((v) => [v.name, [] as Sample[]]));
  for (const v of variants) once(v, cliArgs, expect); // warm-up: file cache, tsx cache, the first import
  for (let i = 0; i < RUNS; i++) for (const v of variants) samples.get(v.name)!.push(once(v, cliArgs, expect));
  const med = new Map([...samples].map(([k, xs]) => [k, { cpu: median(xs.map((x) => x.cpu)), wall: median(xs.map((x) => x.wall)) }]));
  const built = med.get(BUILT)!;
  console.log(`\n${title} — medians of ${RUNS} runs after one warm-up`);
  console.log(`${"".padEnd(32)}${"CPU".padStart(10)}${"× built".padStart(10)}${"wall".padStart(10)}${"× built".padStart(10)}`);
  for (const [name, m] of med) {
    console.log(
      `${name.padEnd(32)}${sec(m.cpu).padStart(10)}${`${(m.cpu / built.cpu).toFixed(2)}×`.padStart(10)}${sec(m.wall).padStart(10)}${`${(m.wall / built.wall).toFixed(2)}×`.padStart(10)}`,
    );
  }
  return built;
}

const cleanup = new Cleanup();
cleanup.add("scratch files", () => fs.rmSync(scratch, { recursive: true, force: true }));

await cleanup.guard(async () => {
  if (!cliBuildIsCurrent()) {
    log("building the CLI (sources changed since the last build)");
    await buildCli();
  }
  const dataDir = args["data-dir"]!;
  const pgPort = Number(args["pg-port"]);
  await scratchDatabase(dataDir, pgPort, cleanup);
  // The CLI finds the database as `npm start` left it: the embedded cluster under the data folder, running.
  childEnv = { ...process.env, DATABASE_URL: "", CELLPLANE_DATA_DIR: path.resolve(ROOT, dataDir), CELLPLANE_PG_PORT: String(pgPort) };
  log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")} on ${os.cpus().length} CPUs`,
  );

  const help = compare("cellplane --help", ["--help"], { code: 0, out: "Usage: cellplane" }, VARIANTS);
  const fleet = compare(
    "cellplane import fleet examples/fleet.yaml (16 cells, against the running embedded PostgreSQL)",
    ["import", "fleet", "examples/fleet.yaml"],
    { code: 0, out: "Imported 16 cells from examples/fleet.yaml." },
    VARIANTS.filter((v) => !v.name.startsWith("floor")),
  );
  console.log(
    `\ntargets (quiet machine): --help ${sec(help.cpu)} CPU ${help.cpu < 0.3 ? "< 0.3 s ✓" : "≥ 0.3 s ✗"}; ` +
      `import fleet ${sec(fleet.wall)} wall, ${sec(fleet.cpu)} CPU ${fleet.wall < 1 ? "< 1 s ✓" : "≥ 1 s ✗"}`,
  );
  log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
});
