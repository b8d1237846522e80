// The app's database role: not a superuser, owns nothing, and may only read and append to the audit
// log — so the append-only trigger holds against the app itself, not only against its bugs.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantAppRole, withCredentials } from "@/lib/db/roles";
import { embeddedCredentials } from "../../scripts/runtime";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let app: pg.Client;
const role = `cellplane_app_${randomBytes(4).toString("hex")}`;
const password = randomBytes(16).toString("base64url");

beforeAll(async () => {
  t = await freshDatabase("dbrole");
  await grantAppRole(t.url, withCredentials(t.url, role, password), password);
  app = new pg.Client({ connectionString: withCredentials(t.url, role, password) });
  await app.connect();
});
afterAll(async () => {
  await app.end();
  await t.drop();
  await t.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => {});
});

const refused = async (sql: string) => {
  const e = await app.query(sql).then(
    () => null,
    (err: { code?: string }) => err,
  );
  expect(e, sql).not.toBeNull();
  return e!.code;
};

describe("the app's database role", () => {
  it("is not a superuser and cannot create roles or databases", async () => {
    const { rows } = await app.query(
      "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
  });

  it("reads and writes the app's rows", async () => {
    await app.query("INSERT INTO services (id, name) VALUES ('fax', 'Fax') ON CONFLICT DO NOTHING");
    await app.query("UPDATE services SET name = 'Fax machine' WHERE id = 'fax'");
    expect((await app.query("SELECT name FROM services WHERE id = 'fax'")).rows[0]).toEqual({ name: "Fax machine" });
    await app.query("DELETE FROM services WHERE id = 'fax'");
  });

  it("appends to the audit log and reads it, but cannot change it or switch off its guard", async () => {
    await app.query("INSERT INTO audit_events (actor, action, target_type, target_id) VALUES ('x', 'test.append', 'test', 't1')");
    expect((await app.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.append'")).rows[0]).toEqual({ n: 1 });
    expect(await refused("UPDATE audit_events SET actor = 'y'")).toBe("42501");
    expect(await refused("DELETE FROM audit_events")).toBe("42501");
    expect(await refused("TRUNCATE audit_events")).toBe("42501");
    expect(await refused("ALTER TABLE audit_events DISABLE TRIGGER ALL")).toBe("42501");
    expect(await refused('DROP TRIGGER "audit_events_no_update_delete" ON audit_events')).toBe("42501");
    expect(await refused("SET session_replication_role = replica")).toBe("42501");
  });

  it("cannot change the schema or the migration history", async () => {
    expect(await refused("CREATE TABLE sneaky (id int)")).toBe("42501");
    expect(await refused("ALTER TABLE cells ADD COLUMN sneaky int")).toBe("42501");
    expect(await refused("DROP TABLE cells")).toBe("42501");
    expect(await refused(`DELETE FROM "_prisma_migrations"`)).toBe("42501");
  });

  it("granting again is harmless and resets the password", async () => {
    const next = randomBytes(16).toString("base64url");
    await grantAppRole(t.url, withCredentials(t.url, role, next), next);
    const c = new pg.Client({ connectionString: withCredentials(t.url, role, next) });
    await c.connect();
    await c.end();
  });
});

describe("the embedded cluster's credentials", () => {
  it("are generated once, kept readable by this user only", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-creds-"));
    try {
      const first = embeddedCredentials(dir);
      expect(first.created).toBe(true);
      expect(first.superuser).not.toBe(first.app);
      expect(first.superuser.length).toBeGreaterThanOrEqual(24);
      const file = path.join(dir, "pg-credentials.json");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const again = embeddedCredentials(dir);
      expect(again).toEqual({ ...first, created: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
