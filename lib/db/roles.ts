// The database role the app runs as. Migrations (and the demo's cell databases) use an owner role;
// the app and its CLI connect as a role that is not a superuser, owns no table, and may read and
// write rows — but on the audit log only read and append. It therefore cannot disable, drop or
// replace the append-only trigger, and cannot update, delete or truncate audit events.
import pg from "pg";

/** The app's role in the embedded database. */
export const APP_ROLE = "cellplane_app";

/** Tables the app may only read and append to. */
const APPEND_ONLY = ["audit_events"];

const userOf = (url: string) => decodeURIComponent(new URL(url).username);

/**
 * Make `appUrl`'s role able to run the app against `adminUrl`'s database, and nothing more. With
 * `password`, the role is created (or its password reset) first; without, it must exist. Idempotent:
 * run after every migration, so new tables are covered. No-op when both URLs name the same role
 * (a single-role external database: see README, Security model).
 */
export async function grantAppRole(adminUrl: string, appUrl: string, password?: string): Promise<void> {
  const role = userOf(appUrl);
  if (role === userOf(adminUrl)) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = client.escapeIdentifier(role);
    const db = client.escapeIdentifier((await client.query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db);
    // One start at a time may change roles (several replicas may start together).
    await client.query("SELECT pg_advisory_lock(hashtext('cellplane.app-role'))");
    if (password !== undefined) {
      const exists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount;
      const lit = client.escapeLiteral(password);
      await client.query(
        exists
          ? `ALTER ROLE ${r} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit}`
          : `CREATE ROLE ${r} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit}`,
      );
    }
    await client.query("BEGIN");
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${r}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM ${r}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    for (const t of APPEND_ONLY) await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${client.escapeIdentifier(t)} FROM ${r}`);
    await client.query(`REVOKE ALL ON "_prisma_migrations" FROM ${r}`);
    await client.query(`GRANT SELECT ON "_prisma_migrations" TO ${r}`);
    await client.query("COMMIT");
  } finally {
    await client.query("SELECT pg_advisory_unlock_all()").catch(() => {});
    await client.end();
  }
}

/** `url` with another user and password. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}
