import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, MigrationError, readMigrations } from "@/lib/db/migrate";
import { freshDatabase, type TestDatabase } from "../support/db";

const MIGRATIONS = path.resolve("prisma/migrations");
let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.drop();
  t = undefined;
});

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-mig-"));
  fs.cpSync(MIGRATIONS, dir, { recursive: true });
  return dir;
}

describe("migration runner", () => {
  it("applies every migration once and records it in Prisma's bookkeeping table", async () => {
    t = await freshDatabase("mig", "template0");
    const first = await migrate(t.url, MIGRATIONS);
    expect(first.applied).toEqual(readMigrations(MIGRATIONS).map((m) => m.name));
    const again = await migrate(t.url, MIGRATIONS);
    expect(again.applied).toEqual([]);
    const rows = await t.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const [i, m] of readMigrations(MIGRATIONS).entries()) {
      expect(rows[i]!.checksum).toBe(m.checksum);
      expect(rows[i]!.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[i]!.finished_at).not.toBeNull();
      expect(rows[i]!.applied_steps_count).toBe(1);
    }
  });

  it("two runners at once apply each migration exactly once (advisory lock)", async () => {
    t = await freshDatabase("migrace", "template0");
    const results = await Promise.all([migrate(t.url, MIGRATIONS), migrate(t.url, MIGRATIONS), migrate(t.url, MIGRATIONS)]);
    const total = results.reduce((n, r) => n + r.applied.length, 0);
    expect(total).toBe(readMigrations(MIGRATIONS).length);
    const rows = await t.query(`SELECT 1 FROM _prisma_migrations`);
    expect(rows.length).toBe(readMigrations(MIGRATIONS).length);
  });

  it("refuses to start when an applied migration file was changed", async () => {
    t = await freshDatabase("migedit", "template0");
    const dir = copyMigrations();
    await migrate(t.url, dir);
    const first = readMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first.name, "migration.sql"), "\n-- edited\n");
    await expect(migrate(t.url, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(t.url, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    t = await freshDatabase("migfail", "template0");
    const dir = copyMigrations();
    await migrate(t.url, dir);
    const bad = path.join(dir, "29991231000000_broken");
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, "migration.sql"), "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n");
    await expect(migrate(t.url, dir)).rejects.toThrow(/29991231000000_broken failed/);
    expect(await t.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).toEqual([]);
    expect(await t.query(`SELECT 1 FROM _prisma_migrations WHERE migration_name = '29991231000000_broken'`)).toEqual([]);
  });
});
