import "server-only";
// The approvals inbox: every gate waiting for a person, from every kind's source, oldest first, with
// the customers homed in the cells it unblocks and, for the viewer, whether they may decide it. Read
// by /approvals (and its live query, GET /api/v1/approvals), the navigation's badge and `/`.
import type { Principal } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import type { Db } from "@/lib/db/client";
import type { ReleaseDoc } from "@/lib/rollouts/engine";
import type { RunDoc } from "@/lib/schema-migrations/machine";
import { ACTIVE_RUN } from "@/lib/schema-migrations/run-model";
import { buildInbox, type Gate, type GateKind, GATE_NOUNS, type Inbox } from "../gates";
import { gateVerdict } from "../four-eyes";
import { pendingFlagChanges } from "@/lib/flags/server/change-requests";
import { customersHomedIn } from "@/lib/fleet/server/queries";
import { flagChangeGates, migrationGates, releaseGates, releaseOwners } from "../kinds";
import { redactTarget } from "@/lib/secrets/redact";

/** Where the gates of one kind come from: its waiting items, mapped by its adapter (../kinds.ts). */
interface GateSource {
  kind: GateKind;
  pending(database: Db): Promise<Gate[]>;
}

const GATE_SOURCES: GateSource[] = [
  {
    kind: "release",
    async pending(database) {
      const rows = await database.release.findMany({
        where: { status: "awaiting_approval" },
        select: { id: true, title: true, doc: true },
      });
      if (!rows.length) return [];
      // A migration's deployment phase starts releases: say which migration a release gate holds up.
      const runs = await database.schemaMigrationRun.findMany({ where: { status: { in: ACTIVE_RUN } }, select: { doc: true } });
      const owners = releaseOwners(runs.map((r) => ({ doc: r.doc as unknown as RunDoc })));
      return rows.flatMap((r) => releaseGates({ id: r.id, title: r.title, doc: r.doc as unknown as ReleaseDoc }, owners.get(r.id)));
    },
  },
  {
    kind: "migration",
    async pending(database) {
      const rows = await database.schemaMigrationRun.findMany({
        where: { status: "awaiting_approval" },
        select: { doc: true, updatedAt: true },
      });
      return rows.flatMap((r) => migrationGates({ doc: r.doc as unknown as RunDoc, updatedAt: r.updatedAt }));
    },
  },
  {
    kind: "flag",
    async pending(database) {
      const requests = await pendingFlagChanges(database);
      if (!requests.length) return [];
      const cells = await database.cell.findMany({
        where: { status: { not: "retired" } },
        select: { id: true, tier: true, region: true },
        orderBy: { id: "asc" },
      });
      return requests.flatMap((r) => flagChangeGates(r, cells));
    },
  },
];

/** Every gate waiting for a decision, of every kind (unsorted); notify targets redacted (webhook URLs are secrets). */
export async function pendingGates(database: Db = db()): Promise<Gate[]> {
  const gates = (await Promise.all(GATE_SOURCES.map((s) => s.pending(database)))).flat();
  return gates.map((g) => ({ ...g, notify: redactTarget(g.notify) }));
}

/** The inbox as `viewer` sees it. */
export async function approvalsInbox(viewer: Principal, now = new Date(), database: Db = db()): Promise<Inbox> {
  const gates = await pendingGates(database);
  const cells = [...new Set(gates.flatMap((g) => g.cells))];
  return buildInbox(gates, await customersHomedIn(cells, database), viewer, now);
}

/** How many gates wait, and how many of them `viewer` may decide (the badge), without the customers. */
export async function approvalCounts(viewer: Principal, database: Db = db()): Promise<{ waiting: number; yours: number }> {
  const gates = await pendingGates(database);
  return { waiting: gates.length, yours: gates.filter((g) => gateVerdict(viewer, g, GATE_NOUNS[g.kind]).ok).length };
}
