// The door's half of the change log: the audit events a change returns become change events in the
// same transaction (recordAudit calls this right after writing them). What an event alone does not
// say is read here, in that transaction; the decisions are lib/changes/derive.ts and flag-states.ts.
import type { Tx } from "@/lib/db/client";
import { type AuditRecord, contextNeeds, type DeriveContext, deriveFromAudit, mayChange } from "../derive";
import type { ChangeInput } from "../model";
import { insertChanges, syncFlagStates } from "./store";

async function readContext(tx: Tx, needs: ReturnType<typeof contextNeeds>): Promise<DeriveContext> {
  const ctx: DeriveContext = { observed: {}, routeServices: {}, scopeCells: {} };
  if (needs.deployCells.length) {
    const rows = await tx.cellService.findMany({
      where: { cellId: { in: needs.deployCells } },
      select: { cellId: true, serviceId: true, observedVersion: true },
    });
    for (const r of rows) (ctx.observed[r.cellId] ??= {})[r.serviceId] = r.observedVersion;
  }
  if (needs.routes.length) {
    const keys = needs.routes.map((k) => k.split(" ")).filter((p) => p.length === 2) as [string, string][];
    const rows = await tx.gatewayRoute.findMany({
      where: { OR: keys.map(([method, path]) => ({ method, path })) },
      select: { method: true, path: true, serviceId: true },
    });
    for (const r of rows) ctx.routeServices[`${r.method} ${r.path}`] = r.serviceId;
  }
  for (const scope of needs.scopes) {
    const tier = scope.startsWith("tier:") ? scope.slice(5) : null;
    const rows = await tx.cell.findMany({
      where: { status: { not: "retired" }, ...(tier ? { tier: tier as never } : { id: scope }) },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    ctx.scopeCells[scope] = rows.map((r) => r.id);
  }
  return ctx;
}

/** Derive and record the changes these just-written audit events stand for. */
export async function recordChanges(tx: Tx, events: AuditRecord[]): Promise<number> {
  if (events.length === 0 || !mayChange(events)) return 0;
  const needs = contextNeeds(events);
  const ctx = await readContext(tx, needs);
  const changes: ChangeInput[] = events.flatMap((e) => deriveFromAudit(e, ctx));
  if (needs.flags.length) {
    // The newest event about each flag names who changed it; the state is compared as of now.
    const last = new Map(events.filter((e) => e.targetType === "flag").map((e) => [e.targetId, e]));
    const at = events[0]!.at;
    const now = new Date(Math.max(Date.now(), at.getTime()));
    changes.push(
      ...(await syncFlagStates(tx, needs.flags, now, (flag) => {
        const e = last.get(flag.key)!;
        return { at: e.at, actor: e.actor, source: `audit:${e.id}` };
      })),
    );
  }
  return insertChanges(tx, changes);
}
