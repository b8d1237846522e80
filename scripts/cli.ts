// The Cellplane CLI. Finds the database the way `npm start` does (DATABASE_URL, or the embedded
// PostgreSQL under CELLPLANE_DATA_DIR — joined if running, started and stopped around the command).
//
// `npx cellplane` runs this file built to plain JavaScript (dist/cli/, scripts/build-cli.mjs).
// Start-up cost is what a command loads, so only `node:` modules are imported statically: the
// arguments are checked first (usage errors and `--help` load nothing else), then the database
// modules (Prisma, pg, the embedded PostgreSQL), then each command's own modules. Tests call `run`
// in process with their own output, input and database URL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Db } from "@/lib/db/client";

export const USAGE = `Usage: cellplane <command>

  import fleet FILE            make the cell registry match a fleet YAML file
  export fleet                 print the registry as a fleet YAML file
  diff fleet FILE              show what an import would change; exit 2 when it would change anything
  import pipeline FILE [--id ID]
                               store a pipeline (native or state-machine YAML); replaces one with the same id.
                               A change that weakens its policy waits for approval (exit 3)
  export pipeline ID           print a stored pipeline in the native YAML form
  list pipelines               list stored pipelines and their waves
  import flags FILE            upsert the feature flags of a flags YAML file by key (one transaction).
                               A change of a protected flag waits for approval (exit 3)
  export flags                 print every feature flag as a flags YAML file
  import gateway FILE          make the edge route table match a gateway config (api-gateway-config.yaml shape)
  export gateway [--json]      print the live route table in the same shape (YAML, or JSON)
  import migration FILE        store a migration manifest as a ready run (scripts resolve against examples/)
  user create --email E --role ROLE [--name N]
                               create a user; the password is read from standard input
  token create --name N --scopes a:b,c:d [--expires 90d] [--cells 'smb-*' | --cells a,b]
                               create an API token; it is printed once

Exit codes: 0 ok, 1 invalid input or error, 2 drift (diff), 3 waits for approval, 64 usage.`;

/** Where a run reads and writes: the process's own streams, or a test's. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input (the password of `user create`). */
  readStdin(): Promise<string>;
  /** Use this database instead of finding one from the environment (tests). */
  databaseUrl?: string;
}

export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    if (process.stdin.isTTY) process.stderr.write("Password: ");
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
});

class UsageError extends Error {}

/** What a command runs with once the database is open. */
interface Ctx {
  db: Db;
  io: CliIo;
  out(line: string): void;
  err(line: string): void;
  actor: string;
  /** The service catalogue (sms, voice, …) the YAML readers check against. */
  services: string[];
  root: string;
}

/** A command checks its arguments (throwing UsageError) and returns the work to do with a database. */
type Command = (args: string[], io: CliIo) => (ctx: Ctx) => Promise<number>;

function readFileArg(file: string | undefined): { text: string; name: string } {
  if (!file) throw new UsageError("missing FILE");
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`no such file: ${file}`);
  return { text: fs.readFileSync(abs, "utf8"), name: file };
}

/** Run `fn`; a spec error it throws (or rejects with) names `file`. */
async function parseWithFile<T>(fn: () => T | Promise<T>, file: string): Promise<T> {
  const { SpecValidationError } = await import("@/lib/yaml-errors");
  try {
    return await fn();
  } catch (e) {
    throw e instanceof SpecValidationError ? new SpecValidationError(e.errors, file) : e;
  }
}

/** An `export …` command: what `render` makes of the database, on stdout. */
const exportCommand =
  (render: (db: Db) => Promise<string>): Command =>
  () =>
  async ({ db, io }) => {
    io.stdout(await render(db));
    return 0;
  };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const COMMANDS: Record<string, Command> = {
  "import fleet": (args) => {
    const f = readFileArg(args[0]);
    return async ({ db, out, actor, services }) => {
      const { formatFleetDiff, parseFleetYaml } = await import("@/lib/fleet/fleet-yaml");
      const { applyFleet } = await import("@/lib/fleet/server/store");
      const spec = await parseWithFile(() => parseFleetYaml(f.text, services), f.name);
      const { audited } = await import("@/lib/audit/server/record");
      const diff = await audited(db, actor, (tx) => applyFleet(tx, spec, path.basename(f.name)), { timeout: 60_000 });
      out(formatFleetDiff(diff));
      out(`Imported ${spec.cells.length} cells from ${f.name}.`);
      return 0;
    };
  },

  "export fleet": exportCommand(async (db) => {
    const { exportFleetYaml } = await import("@/lib/fleet/fleet-yaml");
    const { exportRegistry } = await import("@/lib/fleet/server/store");
    return exportFleetYaml(await exportRegistry(db));
  }),

  "diff fleet": (args) => {
    const f = readFileArg(args[0]);
    return async ({ db, out, services }) => {
      const { diffFleet, formatFleetDiff, isEmptyDiff, parseFleetYaml } = await import("@/lib/fleet/fleet-yaml");
      const { readRegistry } = await import("@/lib/fleet/server/store");
      const spec = await parseWithFile(() => parseFleetYaml(f.text, services), f.name);
      const diff = diffFleet(await readRegistry(db), spec);
      out(formatFleetDiff(diff));
      return isEmptyDiff(diff) ? 0 : 2;
    };
  },

  "import pipeline": (args) => {
    const { values, positionals } = parseArgs({ args, options: { id: { type: "string" } }, allowPositionals: true });
    if (positionals.length > 1) throw new UsageError(`import pipeline takes one FILE (got ${positionals.join(" ")})`);
    const f = readFileArg(positionals[0]);
    return async ({ db, out, actor }) => {
      const { parsePipelineYaml } = await import("@/lib/rollouts/pipeline-yaml");
      const { pipelineSummary } = await import("@/lib/rollouts/describe");
      const { pipelineFleet } = await import("@/lib/rollouts/server/pipeline-store");
      const { importPipeline } = await import("@/lib/rollouts/server/pipeline-changes");
      const fleet = await pipelineFleet(db);
      const parsed = await parseWithFile(() => parsePipelineYaml(f.text, fleet, { id: values.id }), f.name);
      const { audited } = await import("@/lib/audit/server/record");
      const saved = await parseWithFile(() => audited(db, actor, (tx) => importPipeline(tx, parsed, f.text, actor, new Date())), f.name);
      const { spec } = parsed;
      if (!saved.applied) {
        out(
          `Pipeline ${spec.id} was not changed: this import changes its policy, so it waits for approval by a release manager or an admin:`,
        );
        for (const c of saved.changes) out(`  - ${c.text}`);
        out(`Pending change #${saved.pendingId}: approve or reject it at /pipelines/changes/${saved.pendingId}`);
        return 3;
      }
      out(
        `${saved.created ? "Created" : "Updated"} pipeline ${spec.id} (${parsed.format} form, ${plural(spec.waves.length, "wave")}), version ${saved.version}.`,
      );
      out(pipelineSummary(spec));
      return 0;
    };
  },

  "export pipeline": (args) => {
    const id = args[0];
    if (!id || args.length > 1) throw new UsageError("export pipeline takes one ID");
    return async ({ db, io, err }) => {
      const { exportPipelineYaml } = await import("@/lib/rollouts/pipeline-yaml");
      const { redactPipelineSpec } = await import("@/lib/rollouts/notify-targets");
      const { getPipeline } = await import("@/lib/rollouts/server/pipeline-store");
      const p = await getPipeline(db, id);
      if (!p) {
        err(`cellplane: no pipeline "${id}" (see \`cellplane list pipelines\`)`);
        return 1;
      }
      // https notify targets are secrets: exported as scheme + host + /…; importing the file again keeps the stored ones.
      io.stdout(exportPipelineYaml(redactPipelineSpec(p.spec)));
      return 0;
    };
  },

  "list pipelines":
    () =>
    async ({ db, out }) => {
      const { pipelineSummary } = await import("@/lib/rollouts/describe");
      const { listPipelines } = await import("@/lib/rollouts/server/pipeline-store");
      const all = await listPipelines(db);
      if (all.length === 0) {
        out("No pipelines yet. Import one with `cellplane import pipeline FILE`.");
        return 0;
      }
      const w = Math.max(...all.map((p) => p.id.length));
      for (const p of all) {
        out(`${p.id.padEnd(w)}  v${String(p.version).padEnd(3)} ${p.format.padEnd(13)} ${p.name}`);
        out(`${"".padEnd(w)}  ${pipelineSummary(p.spec)}`);
      }
      return 0;
    },

  "import flags": (args) => {
    const f = readFileArg(args[0]);
    return async ({ db, out, actor }) => {
      const { importFlagsYaml } = await import("@/lib/flags/server/store");
      const { audited } = await import("@/lib/audit/server/record");
      const summary = await parseWithFile(
        () => audited(db, actor, (tx) => importFlagsYaml(tx, f.text, path.basename(f.name), new Date(), actor), { timeout: 60_000 }),
        f.name,
      );
      for (const k of summary.created) out(`+ flag ${k}`);
      for (const k of summary.updated) out(`~ flag ${k}`);
      const requested = summary.requested ?? [];
      out(
        `Imported ${summary.created.length + summary.updated.length + summary.unchanged.length + requested.length} flags from ${f.name}: ${summary.created.length} created, ${summary.updated.length} changed, ${summary.unchanged.length} unchanged${requested.length ? `, ${requested.length} waiting for approval` : ""}.`,
      );
      if (!requested.length) return 0;
      // Protected flags: their changes are not applied; they wait for another product owner or an admin.
      for (const r of requested) {
        out(`? flag ${r.key} is protected: change request #${r.id} waits for approval by another product owner or an admin:`);
        out(`    ${r.diff}`);
        out(`    approve or reject it at /flags/${r.key}#change-request-${r.id} (or in /approvals)`);
      }
      return 3;
    };
  },

  "export flags": exportCommand(async (db) => {
    const { exportFlagsYaml } = await import("@/lib/flags/flags-yaml");
    const { exportFlags } = await import("@/lib/flags/server/store");
    return exportFlagsYaml(await exportFlags(db));
  }),

  "import gateway": (args) => {
    const f = readFileArg(args[0]);
    return async ({ db, out, err, actor, services }) => {
      const { parseGatewayYaml } = await import("@/lib/gateway/config-yaml");
      const { formatTableDiff } = await import("@/lib/gateway/model");
      const { applyGatewayImport } = await import("@/lib/gateway/server/store");
      const { formatSpecErrors } = await import("@/lib/yaml-errors");
      const parsed = await parseWithFile(() => parseGatewayYaml(f.text, services, new Date()), f.name);
      if (parsed.warnings.length) err(formatSpecErrors(parsed.warnings, f.name).replace(/^/gm, "warning: "));
      const { audited } = await import("@/lib/audit/server/record");
      const r = await audited(db, actor, (tx) => applyGatewayImport(tx, parsed, actor, path.basename(f.name), new Date()), {
        timeout: 60_000,
      });
      out(formatTableDiff(r.diff));
      out(`Imported ${r.routes} routes from ${f.name}; gateway config version ${r.version}${r.changed ? "" : " (unchanged)"}.`);
      return 0;
    };
  },

  "export gateway":
    (args) =>
    async ({ db, io }) => {
      const { exportGatewayConfig, exportGatewayYaml } = await import("@/lib/gateway/config-yaml");
      const { configVersion, loadRoutes } = await import("@/lib/gateway/server/store");
      const routes = await loadRoutes(db);
      if (args.includes("--json")) io.stdout(`${JSON.stringify(exportGatewayConfig(routes), null, 2)}\n`);
      else io.stdout(exportGatewayYaml(routes, await configVersion(db)));
      return 0;
    },

  "import migration": (args) => {
    const f = readFileArg(args[0]);
    return async ({ db, out, actor, root }) => {
      const { importManifest } = await import("@/lib/schema-migrations/server/store");
      const { audited } = await import("@/lib/audit/server/record");
      const r = await parseWithFile(
        () => audited(db, actor, (tx) => importManifest(tx, f.text, actor, root, new Date()), { timeout: 60_000 }),
        f.name,
      );
      out(
        `${r.created ? "Imported" : "Replaced"} migration ${r.spec.id}: ${r.spec.phases.map((p) => `${p.name} (${p.type})`).join(" → ")} on ${r.spec.cells.length} cells.`,
      );
      for (const w of r.warnings) out(`warning: ${w}`);
      out(`Start it on the migration page: /migrations/${r.spec.id}`);
      return 0;
    };
  },

  "user create": (args, io) => {
    const { values } = parseArgs({ args, options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } } });
    const { email, role } = values;
    if (!email || !role) throw new UsageError("user create needs --email and --role");
    return async ({ db, out, actor }) => {
      const { createUser } = await import("@/lib/auth/server/users");
      const password = (await io.readStdin()).replace(/\r?\n$/, "");
      const { audited } = await import("@/lib/audit/server/record");
      const u = await audited(db, actor, (tx) =>
        createUser(tx, { email, role: role as never, name: values.name ?? email.split("@")[0]!, password }),
      );
      out(`Created ${u.role} ${u.email}.`);
      return 0;
    };
  },

  "token create": (args) => {
    const { values } = parseArgs({
      args,
      options: { name: { type: "string" }, scopes: { type: "string" }, expires: { type: "string" }, cells: { type: "string" } },
    });
    const { name, scopes } = values;
    if (!name || !scopes) throw new UsageError("token create needs --name and --scopes");
    return async ({ db, out, err, actor }) => {
      const { createToken } = await import("@/lib/auth/server/users");
      const { audited } = await import("@/lib/audit/server/record");
      const { formatTime } = await import("@/lib/format");
      const list = scopes
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const t = await audited(db, actor, (tx) =>
        createToken(tx, { name, scopes: list as never, expires: values.expires, cells: values.cells }, actor),
      );
      const limits = [
        t.cells.length ? `for cells ${t.cells.join(", ")}` : "",
        t.expiresAt ? `until ${formatTime(t.expiresAt, { utc: true })}` : "",
      ].filter(Boolean);
      err(
        `Token "${t.name}" with scopes ${t.scopes.join(", ")}${limits.length ? `, ${limits.join(", ")}` : ""}. It is shown only this once:`,
      );
      out(t.token);
      return 0;
    };
  },
};

/** Run one command line; resolves to the exit code (0 ok, 1 error, 2 drift, 3 waits for approval, 64 usage). */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const out = (line: string) => io.stdout(`${line}\n`);
  const err = (line: string) => io.stderr(`${line}\n`);
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    out(USAGE);
    return argv.length === 0 ? 64 : 0;
  }
  let opened: { db: Db; stop(): Promise<void> } | undefined;
  try {
    const [verb, noun, ...rest] = argv;
    const command = COMMANDS[`${verb ?? ""} ${noun ?? ""}`];
    if (!command) throw new UsageError(`unknown command: ${argv.join(" ")}`);
    const work = command(rest, io);
    const connection = await openDb(io, err);
    if (typeof connection === "number") return connection;
    opened = connection;
    const { serviceCatalogue } = await import("@/lib/fleet/server/store");
    const { ROOT } = await import("./runtime");
    const services = await serviceCatalogue(connection.db);
    return await work({ db: connection.db, io, out, err, actor: `cli:${os.userInfo().username}`, services, root: ROOT });
  } catch (e) {
    return await report(e, err);
  } finally {
    await opened?.stop();
  }
}

/** The database (migrated, as `npm start` leaves it), or the exit code when the configuration is invalid. */
async function openDb(io: CliIo, err: (line: string) => void): Promise<number | { db: Db; stop(): Promise<void> }> {
  const { env, EnvError } = await import("@/lib/env");
  const { migrateDatabase, openDatabase } = await import("./runtime");
  type Database = Awaited<ReturnType<typeof openDatabase>>;
  // A given URL (tests) is both the owner and the app's role.
  let database: Database = { url: io.databaseUrl ?? "", adminUrl: io.databaseUrl ?? "", embedded: false, stop: async () => {} };
  if (!io.databaseUrl) {
    try {
      database = await openDatabase(env(), () => {});
    } catch (e) {
      if (!(e instanceof EnvError)) throw e;
      err(`cellplane: ${e.message}`);
      return 1;
    }
  }
  const { createPrisma } = await import("@/lib/db/client");
  const db = createPrisma(database.url, 2);
  const stop = async () => {
    await db.$disconnect();
    await database.stop();
  };
  try {
    await migrateDatabase(database, () => {});
  } catch (e) {
    await stop();
    throw e;
  }
  return { db, stop };
}

async function report(e: unknown, err: (line: string) => void): Promise<number> {
  if (e instanceof UsageError) {
    err(`cellplane: ${e.message}\n\n${USAGE}`);
    return 64;
  }
  const { SpecValidationError } = await import("@/lib/yaml-errors");
  const { z } = await import("zod");
  if (e instanceof SpecValidationError) {
    err(e.message);
    err("Nothing was changed.");
    return 1;
  }
  if (e instanceof z.ZodError) {
    err(e.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("\n"));
    err("Nothing was changed.");
    return 1;
  }
  if ((e as { code?: string }).code === "P2002") {
    err("cellplane: that name or email already exists. Nothing was changed.");
    return 1;
  }
  err(`cellplane: ${(e as Error).message}`);
  return 1;
}
