// The row of a stored machine (a release, a migration run), as its transition reads and writes it:
// which rows are due a ticker pass, and the persist step guarded by the version read under the lock.
// Each machine names its own table and the columns it keeps beside its document.
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";

/** The statuses in which a machine is due a ticker pass: running, waiting at a gate, rolling back. */
const DUE: ("running" | "awaiting_approval" | "rolling_back")[] = ["running", "awaiting_approval", "rolling_back"];

/** The `findMany` of the rows due a ticker pass, oldest first: `db.release.findMany(DUE_FOR_A_PASS)`. */
export const DUE_FOR_A_PASS = { where: { status: { in: DUE } }, select: { id: true }, orderBy: { startedAt: "asc" } } as const;

/** What every machine's row is written with: its document, its status, the next version and the time. */
export interface PersistArgs<S extends string, C> {
  where: { id: string; version: number };
  data: { doc: Prisma.InputJsonValue; status: S; version: { increment: number }; updatedAt: Date } & C;
}

/**
 * Persist `doc` over the row locked at `locked.version`, with the machine's own `columns`: `update` is
 * its table's `updateMany`. CONFLICT when the row is no longer at that version (another transition
 * wrote it meanwhile); nothing is written then.
 */
export async function persistVersioned<S extends string, C>(
  noun: string,
  update: (args: PersistArgs<S, C>) => Promise<{ count: number }>,
  locked: { id: string; version: number },
  doc: { status: S },
  columns: C,
  now: Date,
): Promise<void> {
  const { count } = await update({
    where: { id: locked.id, version: locked.version },
    data: { doc: doc as unknown as Prisma.InputJsonValue, status: doc.status, version: { increment: 1 }, updatedAt: now, ...columns },
  });
  if (count !== 1) throw new DomainError("CONFLICT", `the ${noun} changed meanwhile; try again`);
}
