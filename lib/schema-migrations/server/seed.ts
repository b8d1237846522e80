// The demo's cell databases: on the same PostgreSQL server, one database per demo cell
// (`cell_smb_us_1`, …) with a `messages` table of 20k–100k rows (varying by cell), and its
// connection URL in cell_databases so migrations run there in direct mode. Once per Cellplane
// database: a marker row guards it; databases left by an interrupted seed are recreated.
import pg from "pg";
import type { Db } from "@/lib/db/client";
import { withAudit } from "@/lib/audit/server/record";

export const CELL_DATABASES_MARKER = "demo-seed:cell-databases:v1";

export const cellDatabaseName = (cellId: string, prefix = "cell") => `${prefix}_${cellId.replace(/[^a-z0-9]/g, "_")}`;

/** Deterministic 20k–100k rows per cell. */
export function demoRowCount(cellId: string): number {
  let h = 0;
  for (const ch of cellId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 20_000 + (h % 81) * 1_000;
}

export const MESSAGES_DDL = `CREATE TABLE messages (
  id bigserial PRIMARY KEY, to_phone text NOT NULL, from_phone text NOT NULL, body text, created_at timestamptz NOT NULL DEFAULT now())`;

/** A database URL on the same server, with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Create one cell database with `rows` messages (drops one left by an earlier attempt). */
export async function createCellDatabase(serverUrl: string, name: string, rows: number): Promise<string> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(MESSAGES_DDL);
    await c.query(
      `INSERT INTO messages (to_phone, from_phone, body, created_at)
       SELECT '+1555' || lpad(g::text, 7, '0'), '+1444' || lpad((g % 977)::text, 7, '0'), 'message ' || g, now() - (g || ' seconds')::interval
         FROM generate_series(1, $1) g`,
      [rows],
    );
  } finally {
    await c.end();
  }
  return url;
}

/** Seed every active cell's database once. Returns false when already done. */
export async function seedCellDatabases(
  db: Db,
  serverUrl: string,
  opts: { rows?: (cellId: string) => number; prefix?: string } = {},
): Promise<boolean> {
  if (await db.systemMarker.findUnique({ where: { key: CELL_DATABASES_MARKER } })) return false;
  const cells = await db.cell.findMany({ where: { status: { not: "retired" } }, select: { id: true }, orderBy: { id: "asc" } });
  const created: { cellId: string; url: string; rows: number }[] = [];
  for (const c of cells) {
    const rows = (opts.rows ?? demoRowCount)(c.id);
    created.push({ cellId: c.id, url: await createCellDatabase(serverUrl, cellDatabaseName(c.id, opts.prefix), rows), rows });
  }
  return db.$transaction(async (tx) => {
    const claimed = await tx.systemMarker.createMany({ data: [{ key: CELL_DATABASES_MARKER }], skipDuplicates: true });
    if (claimed.count === 0) return false;
    return withAudit(tx, "system:seed", async (tx) => {
      for (const c of created)
        await tx.cellDatabase.upsert({ where: { cellId: c.cellId }, create: { cellId: c.cellId, url: c.url }, update: { url: c.url } });
      const event = {
        action: "demo.cell_databases",
        targetType: "fleet",
        targetId: "fleet",
        after: { cells: created.map((c) => ({ cell: c.cellId, rows: c.rows })) },
      };
      return { data: true, audit: [event] };
    });
  });
}
