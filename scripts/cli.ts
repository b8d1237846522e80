// The Cellplane CLI. Finds the database the way `npm start` does (DATABASE_URL, or the embedded
// PostgreSQL under CELLPLANE_DATA_DIR — joined if running, started and stopped around the command).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrisma, type Db } from "@/lib/db/client";
import { exportFleetYaml, formatFleetDiff, isEmptyDiff, diffFleet, parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { applyFleet, exportRegistry, readRegistry, serviceCatalogue } from "@/lib/fleet/server/store";
import { exportFlagsYaml } from "@/lib/flags/flags-yaml";
import { exportFlags, importFlagsYaml } from "@/lib/flags/server/store";
import { createToken, createUser } from "@/lib/auth/server/users";
import { pipelineSummary } from "@/lib/rollouts/describe";
import { exportPipelineYaml, parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { getPipeline, listPipelines, pipelineFleet, savePipeline } from "@/lib/rollouts/server/pipeline-store";
import { exportGatewayConfig, exportGatewayYaml, parseGatewayYaml } from "@/lib/gateway/config-yaml";
import { formatTableDiff } from "@/lib/gateway/model";
import { applyGatewayImport, configVersion, loadRoutes } from "@/lib/gateway/server/store";
import { formatSpecErrors } from "@/lib/yaml-errors";
import { SpecValidationError } from "@/lib/yaml-errors";
import { z } from "zod";
import { importManifest } from "@/lib/schema-migrations/server/store";
import { loadEnvOrExit, migrateDatabase, openDatabase, ROOT } from "./runtime";

const USAGE = `Usage: cellplane <command>

  import fleet FILE            make the cell registry match a fleet YAML file
  export fleet                 print the registry as a fleet YAML file
  diff fleet FILE              show what an import would change; exit 2 when it would change anything
  import pipeline FILE [--id ID]
                               store a pipeline (native or state-machine YAML); replaces one with the same id
  export pipeline ID           print a stored pipeline in the native YAML form
  list pipelines               list stored pipelines and their waves
  import flags FILE            upsert the feature flags of a flags YAML file by key (one transaction)
  export flags                 print every feature flag as a flags YAML file
  import gateway FILE          make the edge route table match a gateway config (api-gateway-config.yaml shape)
  export gateway [--json]      print the live route table in the same shape (YAML, or JSON)
  import migration FILE        store a migration manifest as a ready run (scripts resolve against examples/)
  user create --email E --role ROLE [--name N]
                               create a user; the password is read from standard input
  token create --name N --scopes a:b,c:d [--expires 90d] [--cells 'smb-*' | --cells a,b]
                               create an API token (valid until revoked, or for the duration given;
                               for any cell, or only the cells named: ids or globs); printed once

Exit codes: 0 ok, 1 invalid input or error, 2 drift (diff), 64 usage.`;

class UsageError extends Error {}

const actor = () => `cli:${os.userInfo().username}`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password: ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function readFileArg(file: string | undefined): { text: string; name: string } {
  if (!file) throw new UsageError("missing FILE");
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`no such file: ${file}`);
  return { text: fs.readFileSync(abs, "utf8"), name: file };
}

async function run(db: Db, argv: string[]): Promise<number> {
  const [verb, noun, ...rest] = argv;
  const key = `${verb ?? ""} ${noun ?? ""}`;
  switch (key) {
    case "import fleet": {
      const f = readFileArg(rest[0]);
      const spec = parseWithFile(() => parseFleetYaml(f.text, [...SERVICES]), f.name);
      const diff = await db.$transaction((tx) => applyFleet(tx, spec, actor(), path.basename(f.name)), { timeout: 60_000 });
      console.log(formatFleetDiff(diff));
      console.log(`Imported ${spec.cells.length} cells from ${f.name}.`);
      return 0;
    }
    case "export fleet":
      process.stdout.write(exportFleetYaml(await exportRegistry(db)));
      return 0;
    case "diff fleet": {
      const f = readFileArg(rest[0]);
      const spec = parseWithFile(() => parseFleetYaml(f.text, [...SERVICES]), f.name);
      const diff = diffFleet(await readRegistry(db), spec);
      console.log(formatFleetDiff(diff));
      return isEmptyDiff(diff) ? 0 : 2;
    }
    case "import pipeline": {
      const { values, positionals } = parseArgs({ args: rest, options: { id: { type: "string" } }, allowPositionals: true });
      if (positionals.length > 1) throw new UsageError(`import pipeline takes one FILE (got ${positionals.join(" ")})`);
      const f = readFileArg(positionals[0]);
      const fleet = await pipelineFleet(db);
      const parsed = parseWithFile(() => parsePipelineYaml(f.text, fleet, { id: values.id }), f.name);
      const saved = await db.$transaction((tx) => savePipeline(tx, parsed, f.text, actor()));
      const { spec } = parsed;
      console.log(
        `${saved.created ? "Created" : "Updated"} pipeline ${spec.id} (${parsed.format} form, ${spec.waves.length} wave${spec.waves.length === 1 ? "" : "s"}), version ${saved.version}.`,
      );
      console.log(pipelineSummary(spec));
      return 0;
    }
    case "export pipeline": {
      const id = rest[0];
      if (!id || rest.length > 1) throw new UsageError("export pipeline takes one ID");
      const p = await getPipeline(db, id);
      if (!p) {
        console.error(`cellplane: no pipeline "${id}" (see \`cellplane list pipelines\`)`);
        return 1;
      }
      process.stdout.write(exportPipelineYaml(p.spec));
      return 0;
    }
    case "list pipelines": {
      const all = await listPipelines(db);
      if (all.length === 0) {
        console.log("No pipelines yet. Import one with `cellplane import pipeline FILE`.");
        return 0;
      }
      const w = Math.max(...all.map((p) => p.id.length));
      for (const p of all) {
        console.log(`${p.id.padEnd(w)}  v${String(p.version).padEnd(3)} ${p.format.padEnd(13)} ${p.name}`);
        console.log(`${"".padEnd(w)}  ${pipelineSummary(p.spec)}`);
      }
      return 0;
    }
    case "import flags": {
      const f = readFileArg(rest[0]);
      const summary = await parseWithFile(
        () => db.$transaction((tx) => importFlagsYaml(tx, f.text, actor(), path.basename(f.name), new Date()), { timeout: 60_000 }),
        f.name,
      );
      for (const k of summary.created) console.log(`+ flag ${k}`);
      for (const k of summary.updated) console.log(`~ flag ${k}`);
      console.log(
        `Imported ${summary.created.length + summary.updated.length + summary.unchanged.length} flags from ${f.name}: ${summary.created.length} created, ${summary.updated.length} changed, ${summary.unchanged.length} unchanged.`,
      );
      return 0;
    }
    case "import migration": {
      const f = readFileArg(rest[0]);
      const r = await parseWithFile(
        () => db.$transaction((tx) => importManifest(tx, f.text, actor(), ROOT, new Date()), { timeout: 60_000 }),
        f.name,
      );
      console.log(
        `${r.created ? "Imported" : "Replaced"} migration ${r.spec.id}: ${r.spec.phases.map((p) => `${p.name} (${p.type})`).join(" → ")} on ${r.spec.cells.length} cells.`,
      );
      for (const w of r.warnings) console.log(`warning: ${w}`);
      console.log(`Start it on the migration page: /migrations/${r.spec.id}`);
      return 0;
    }
    case "export flags":
      process.stdout.write(exportFlagsYaml(await exportFlags(db)));
      return 0;
    case "import gateway": {
      const f = readFileArg(rest[0]);
      const parsed = parseWithFile(() => parseGatewayYaml(f.text, [...SERVICES], new Date()), f.name);
      if (parsed.warnings.length) console.error(formatSpecErrors(parsed.warnings, f.name).replace(/^/gm, "warning: "));
      const r = await db.$transaction((tx) => applyGatewayImport(tx, parsed, actor(), path.basename(f.name), new Date()), {
        timeout: 60_000,
      });
      console.log(formatTableDiff(r.diff));
      console.log(`Imported ${r.routes} routes from ${f.name}; gateway config version ${r.version}${r.changed ? "" : " (unchanged)"}.`);
      return 0;
    }
    case "export gateway": {
      const routes = await loadRoutes(db);
      if (rest.includes("--json")) process.stdout.write(`${JSON.stringify(exportGatewayConfig(routes), null, 2)}\n`);
      else process.stdout.write(exportGatewayYaml(routes, await configVersion(db)));
      return 0;
    }
    case "user create": {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
      });
      if (!values.email || !values.role) throw new UsageError("user create needs --email and --role");
      const password = await readStdin();
      const u = await db.$transaction((tx) =>
        createUser(
          tx,
          { email: values.email!, role: values.role as never, name: values.name ?? values.email!.split("@")[0]!, password },
          actor(),
        ),
      );
      console.log(`Created ${u.role} ${u.email}.`);
      return 0;
    }
    case "token create": {
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: "string" }, scopes: { type: "string" }, expires: { type: "string" }, cells: { type: "string" } },
      });
      if (!values.name || !values.scopes) throw new UsageError("token create needs --name and --scopes");
      const t = await db.$transaction((tx) =>
        createToken(
          tx,
          {
            name: values.name!,
            scopes: values
              .scopes!.split(",")
              .map((s) => s.trim())
              .filter(Boolean) as never,
            expires: values.expires,
            cells: values.cells,
          },
          actor(),
        ),
      );
      const limits = [
        t.cells.length ? `for cells ${t.cells.join(", ")}` : "",
        t.expiresAt ? `until ${t.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "",
      ].filter(Boolean);
      console.error(
        `Token "${t.name}" with scopes ${t.scopes.join(", ")}${limits.length ? `, ${limits.join(", ")}` : ""}. It is shown only this once:`,
      );
      console.log(t.token);
      return 0;
    }
    default:
      throw new UsageError(argv.length ? `unknown command: ${argv.join(" ")}` : "no command given");
  }
}

let SERVICES: readonly string[] = [];

function parseWithFile<T>(fn: () => T, file: string): T {
  const named = (e: unknown) => (e instanceof SpecValidationError ? new SpecValidationError(e.errors, file) : e);
  try {
    const r = fn();
    return (
      r instanceof Promise
        ? r.catch((e) => {
            throw named(e);
          })
        : r
    ) as T;
  } catch (e) {
    throw named(e);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    console.log(USAGE);
    return argv.length === 0 ? 64 : 0;
  }
  const cfg = loadEnvOrExit();
  const database = await openDatabase(cfg, () => {});
  const db = createPrisma(database.url, 2);
  try {
    await migrateDatabase(database, () => {});
    SERVICES = await serviceCatalogue(db);
    return await run(db, argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`cellplane: ${e.message}\n\n${USAGE}`);
      return 64;
    }
    if (e instanceof SpecValidationError) {
      console.error(e.message);
      console.error("Nothing was changed.");
      return 1;
    }
    if (e instanceof z.ZodError) {
      console.error(e.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("\n"));
      console.error("Nothing was changed.");
      return 1;
    }
    if ((e as { code?: string }).code === "P2002") {
      console.error("cellplane: that name or email already exists. Nothing was changed.");
      return 1;
    }
    console.error(`cellplane: ${(e as Error).message}`);
    return 1;
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}

main().then((code) => process.exit(code));
