import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkToken } from "@/lib/auth/server/users";
import { buildCli, cliBuildIsCurrent, cliEntry } from "@/scripts/build-cli.mjs";
import { cliIn, cliProcess, ensureBuiltCli, PROCESS_TEST_TIMEOUT } from "../support/cli";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-cli-"));
beforeAll(async () => {
  t = await freshDatabase("cli");
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[], input?: string) => cliIn(t.url, args, input);
const cells = async () => Number((await t.query<{ n: string }>("SELECT count(*) n FROM cells"))[0]!.n);
const badFleet = () => {
  const bad = path.join(tmp, "bad.yaml");
  fs.writeFileSync(
    bad,
    "template:\n  services: [sms, voice]\ncells:\n  - { id: smb-us-1, tier: smb, region: us-east-1 }\n  - { id: smb-us-2, tier: platinum, region: us-east-1 }\n",
  );
  return bad;
};

describe("cellplane commands", () => {
  it("import fleet: a broken file names the line and field, exits non-zero and writes nothing", async () => {
    const bad = badFleet();
    const r = await cli(["import", "fleet", bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:5: cells[1].tier: unknown tier "platinum"`);
    expect(r.err).toContain("Nothing was changed");
    expect(await cells()).toBe(0);

    const syntax = path.join(tmp, "syntax.yaml");
    fs.writeFileSync(syntax, "template:\n  services: [sms\ncells: []\n");
    const s = await cli(["import", "fleet", syntax]);
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/syntax\.yaml:\d+: \(yaml\)/);
    expect(await cells()).toBe(0);
  });

  it("import, export and diff fleet round-trip the example; diff exits 2 on drift", async () => {
    expect((await cli(["import", "fleet", "examples/fleet.yaml"])).code).toBe(0);
    expect(await cells()).toBe(16);
    expect(await cli(["diff", "fleet", "examples/fleet.yaml"])).toMatchObject({ code: 0 });
    const exported = await cli(["export", "fleet"]);
    expect(exported.code).toBe(0);
    const file = path.join(tmp, "exported.yaml");
    fs.writeFileSync(file, exported.out);
    expect((await cli(["diff", "fleet", file])).code).toBe(0);
    const drifted = path.join(tmp, "drifted.yaml");
    fs.writeFileSync(drifted, exported.out.replace("smb-us-5,", "smb-us-6,"));
    const d = await cli(["diff", "fleet", drifted]);
    expect(d.code).toBe(2);
    expect(d.out).toContain("+ cell smb-us-6");
    expect(d.out).toContain("- cell smb-us-5");
    expect(await t.query("SELECT 1 FROM cells WHERE id = 'smb-us-6'")).toEqual([]);
  });

  it("import migration: the seed's manifest imports as written (its .py backfill is recorded by path, for agent mode)", async () => {
    expect((await cli(["import", "fleet", "examples/fleet.yaml"])).code).toBe(0);
    expect((await cli(["import", "pipeline", "examples/standard-pipeline.yaml", "--id", "standard"])).code).toBe(0);
    // The README's command, as printed.
    const r = await cli(["import", "migration", "examples/migration-manifest.yaml"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "Imported migration 2025-01-15-recipient-id-column: expand (schema) → migrate-code (deployment) → backfill (data)",
    );
    const [run] = await t.query<{ status: string; script: string | null }>(
      `SELECT status, spec->'scripts'->>'migrations/001_backfill_recipient_id.py' AS script FROM schema_migration_runs WHERE id = '2025-01-15-recipient-id-column'`,
    );
    expect(run).toEqual({ status: "ready", script: null });
  });

  it("token create and user create refuse an unknown scope or role and store nothing", async () => {
    const r = await cli(["token", "create", "--name", "x", "--scopes", "nope:read"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("Nothing was changed");
    expect(await t.query("SELECT 1 FROM api_tokens WHERE name = 'x'")).toEqual([]);
    expect((await cli(["user", "create", "--email", "x@example.com", "--role", "KING"], "s3cret-password\n")).code).toBe(1);
    expect(await t.prisma.user.findUnique({ where: { email: "x@example.com" } })).toBeNull();
  });

  it("usage errors exit 64 with the usage on stderr, before touching a database", async () => {
    const nowhere = "postgresql://nobody:nothing@127.0.0.1:1/none";
    for (const args of [["frobnicate"], ["import", "fleet"], ["import", "fleet", path.join(tmp, "missing.yaml")], ["export", "pipeline"]]) {
      const r = await cliIn(nowhere, args);
      expect(r.code, args.join(" ")).toBe(64);
      expect(r.err).toContain("Usage: cellplane");
    }
    expect(await cliIn(nowhere, ["--help"])).toMatchObject({ code: 0, err: "", out: expect.stringContaining("Usage: cellplane") });
    expect((await cliIn(nowhere, [])).code).toBe(64);
  });
});

describe("npx cellplane, as a process", { timeout: PROCESS_TEST_TIMEOUT }, () => {
  const env = () => ({ DATABASE_URL: t.url });
  beforeAll(ensureBuiltCli, PROCESS_TEST_TIMEOUT);

  it("--help and usage errors load only the CLI's entry file: no package, no database code", async () => {
    const log = path.join(tmp, "loaded.txt");
    const hooks = path.resolve(import.meta.dirname, "../support/record-imports.mjs");
    const record = [
      "--import",
      `data:text/javascript,import { register } from "node:module"; register(${JSON.stringify(`file://${hooks}`)});`,
    ];
    const root = path.resolve(import.meta.dirname, "../..");
    const allowed = [`file://${root}/bin/cellplane.mjs`, `file://${root}/scripts/build-cli.mjs`, `file://${root}/dist/cli/cli.mjs`];

    for (const [args, code] of [
      [["--help"], 0],
      [["frobnicate"], 64],
    ] as const) {
      fs.rmSync(log, { force: true });
      const r = await cliProcess([...args], { env: { ...env(), CELLPLANE_RECORD_IMPORTS: log }, nodeArgs: record });
      expect(r.code, r.err).toBe(code);
      expect((code === 0 ? r.out : r.err).startsWith(code === 0 ? "Usage: cellplane" : "cellplane: unknown command: frobnicate")).toBe(
        true,
      );
      const loaded = fs.readFileSync(log, "utf8").trim().split("\n");
      expect(loaded).toContain(`file://${root}/dist/cli/cli.mjs`);
      expect(loaded.filter((u) => !u.startsWith("node:") && !u.startsWith("data:") && !allowed.includes(u))).toEqual([]);
    }
  });

  it("exit codes and streams: 1 with the error on stderr for a broken file, 2 on drift, 64 for unknown commands", async () => {
    const bad = badFleet();
    const r = await cliProcess(["import", "fleet", bad], { env: env() });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:5: cells[1].tier: unknown tier "platinum"`);
    expect(r.err).toContain("Nothing was changed");
    expect(r.out).toBe("");

    const drifted = path.join(tmp, "drift-process.yaml");
    fs.writeFileSync(drifted, fs.readFileSync("examples/fleet.yaml", "utf8").replace("smb-us-5", "smb-us-7"));
    const d = await cliProcess(["diff", "fleet", drifted], { env: env() });
    expect(d.code, d.err).toBe(2);
    expect(d.out).toContain("+ cell smb-us-7");

    const u = await cliProcess(["frobnicate"], { env: env() });
    expect(u.code).toBe(64);
    expect(u.err).toContain("Usage: cellplane");
    expect(u.out).toBe("");
  });

  it("token create prints a working token once on stdout; user create reads the password from stdin", async () => {
    const r = await cliProcess(["token", "create", "--name", "gateway", "--scopes", "gateway:read,fleet:read"], { env: env() });
    expect(r.code, r.err).toBe(0);
    const token = r.out.trim();
    expect(token).toMatch(/^cp_/);
    expect(r.err).toContain("It is shown only this once");
    expect(await checkToken(t.prisma, `Bearer ${token}`, "gateway:read")).toMatchObject({ ok: true });

    const u = await cliProcess(["user", "create", "--email", "oncall@example.com", "--role", "SRE", "--name", "On Call"], {
      env: env(),
      input: "s3cret-password\n",
    });
    expect(u.code, u.err).toBe(0);
    expect((await t.prisma.user.findUnique({ where: { email: "oncall@example.com" } }))?.role).toBe("SRE");
  });
});

describe("the CLI build", { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it("is current while its inputs are as stamped, and stale when one differs or the build is incomplete", async () => {
    const dir = path.join(tmp, "build");
    const files = await buildCli({ dir });
    expect(files).toContain("cli.mjs");
    expect(files.filter((f) => f.startsWith("chunks/")).length).toBeGreaterThan(5);
    expect(cliBuildIsCurrent(dir)).toBe(true);

    const stampFile = path.join(dir, "inputs.json");
    const stamp = fs.readFileSync(stampFile, "utf8");
    const inputs = (JSON.parse(stamp) as { inputs: [string, number, number][] }).inputs.map(([f]) => f);
    expect(inputs).toEqual(
      expect.arrayContaining(["scripts/cli.ts", "scripts/runtime.ts", "lib/generated/prisma/client.ts", "tsconfig.json"]),
    );
    expect(inputs.filter((f) => f.startsWith("node_modules/"))).toEqual([]);

    // An edited source: its size or modification time no longer matches the stamp.
    const edited = JSON.parse(stamp) as { inputs: [string, number, number][] };
    const cliInput = edited.inputs.find(([f]) => f === "scripts/cli.ts")!;
    cliInput[2] -= 1000;
    fs.writeFileSync(stampFile, JSON.stringify(edited));
    expect(cliBuildIsCurrent(dir)).toBe(false);
    // A deleted source.
    fs.writeFileSync(stampFile, JSON.stringify({ inputs: [...edited.inputs, ["lib/deleted-since.ts", 1, 1]] }));
    expect(cliBuildIsCurrent(dir)).toBe(false);
    // No entry, or no stamp.
    fs.writeFileSync(stampFile, stamp);
    expect(cliBuildIsCurrent(dir)).toBe(true);
    fs.rmSync(cliEntry(dir));
    expect(cliBuildIsCurrent(dir)).toBe(false);
    fs.rmSync(stampFile);
    expect(cliBuildIsCurrent(dir)).toBe(false);
  });
});
