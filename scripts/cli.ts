// The Cellplane CLI. Finds the database the way `npm start` does (DATABASE_URL, or the embedded
// PostgreSQL under CELLPLANE_DATA_DIR — joined if running, started and stopped around the command).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrisma, type Db } from "@/lib/db/client";
import { exportFleetYaml, formatFleetDiff, isEmptyDiff, diffFleet, parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { applyFleet, exportRegistry, readRegistry, serviceCatalogue } from "@/lib/fleet/store";
import { createToken, createUser } from "@/lib/auth/users";
import { exportGatewayConfig, exportGatewayYaml, parseGatewayYaml } from "@/lib/gateway/config-yaml";
import { formatTableDiff } from "@/lib/gateway/model";
import { applyGatewayImport, configVersion, loadRoutes } from "@/lib/gateway/store";
import { formatSpecErrors } from "@/lib/yaml-errors";
import { SpecValidationError } from "@/lib/yaml-errors";
import { z } from "zod";
import { loadEnvOrExit, migrateDatabase, openDatabase } from "./runtime";

const USAGE = `Usage: cellplane <command>

  import fleet FILE            make the cell registry match a fleet YAML file
  export fleet                 print the registry as a fleet YAML file
  diff fleet FILE              show what an import would change; exit 2 when it would change anything
  import gateway FILE          make the edge route table match a gateway config (api-gateway-config.yaml shape)
  export gateway [--json]      print the live route table in the same shape (YAML, or JSON)
  user create --email E --role ROLE [--name N]
                               create a user; the password is read from standard input
  token create --name N --scopes a:b,c:d
                               create an API token; it is printed once

Exit codes: 0 ok, 1 invalid input or error, 2 drift (diff), 64 usage.`;

class UsageError extends Error {}

const actor = () => `cli:${os.userInfo().username}`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password: ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
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
    case "import gateway": {
      const f = readFileArg(rest[0]);
      const parsed = parseWithFile(() => parseGatewayYaml(f.text, [...SERVICES], new Date()), f.name);
      if (parsed.warnings.length) console.error(formatSpecErrors(parsed.warnings, f.name).replace(/^/gm, "warning: "));
      const r = await db.$transaction((tx) => applyGatewayImport(tx, parsed, actor(), path.basename(f.name), new Date()), { timeout: 60_000 });
      console.log(formatTableDiff(r.diff));
      console.log(`Imported ${r.routes} routes from ${f.name}; gateway config version ${r.version}${r.changed ? "" : " (unchanged)"}.`);
      return 0;
    }
    case "export gateway": {
      const routes = await loadRoutes(db);
      if (rest.includes("--json")) process.stdout.write(JSON.stringify(exportGatewayConfig(routes), null, 2) + "\n");
      else process.stdout.write(exportGatewayYaml(routes, await configVersion(db)));
      return 0;
    }
    case "user create": {
      const { values } = parseArgs({ args: rest, options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } } });
      if (!values.email || !values.role) throw new UsageError("user create needs --email and --role");
      const password = await readStdin();
      const u = await db.$transaction((tx) =>
        createUser(tx, { email: values.email!, role: values.role as never, name: values.name ?? values.email!.split("@")[0]!, password }, actor()),
      );
      console.log(`Created ${u.role} ${u.email}.`);
      return 0;
    }
    case "token create": {
      const { values } = parseArgs({ args: rest, options: { name: { type: "string" }, scopes: { type: "string" } } });
      if (!values.name || !values.scopes) throw new UsageError("token create needs --name and --scopes");
      const t = await db.$transaction((tx) =>
        createToken(tx, { name: values.name!, scopes: values.scopes!.split(",").map((s) => s.trim()).filter(Boolean) as never }, actor()),
      );
      console.error(`Token "${t.name}" with scopes ${t.scopes.join(", ")}. It is shown only this once:`);
      console.log(t.token);
      return 0;
    }
    default:
      throw new UsageError(argv.length ? `unknown command: ${argv.join(" ")}` : "no command given");
  }
}

let SERVICES: readonly string[] = [];

function parseWithFile<T>(fn: () => T, file: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SpecValidationError) throw new SpecValidationError(e.errors, file);
    throw e;
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
    await migrateDatabase(database.url, () => {});
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
