// Feature flag I/O shared by the app, the CLI and the seed (no `server-only`: the CLI imports it).
// Mutations take a transaction client and return their audit events with their result, for the
// caller's door (server action or `withAudit`) to write in the same transaction.
import type { Audited, AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { DbNull } from "@prisma/client/runtime/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { appliesAtOnce, changedFields, diffSummary, type FlagChangeRequest, requestDiff } from "../change-requests";
import { checkFlagsDocument, mentionedCustomers, parseFlagsYaml } from "../flags-yaml";
import {
  flagSpecSchema,
  parseStoredGuard,
  parseStoredRequires,
  referenceProblems,
  specChanges,
  specInput,
  specOf,
  toFieldErrors,
  zodProblems,
  type Flag,
  type FlagRefs,
  type FlagSpec,
  type FlagSpecInput,
} from "../model";
import { effectivePercentage } from "../schedule";
import type { CustomerHome } from "../exposure";
import { proposeFlagChange } from "./change-requests";
import { assertFreezeAllows } from "../freeze";
import type { FreezeSpan } from "@/lib/settings/freezes";

/** Serialises flag creation and imports (so an upsert never races a create). */
const FLAG_WRITE_LOCK = 72_707_369_301;

const withSchedule = { schedule: { orderBy: { at: "asc" } } } as const satisfies Prisma.FeatureFlagInclude;
type FlagRow = Prisma.FeatureFlagGetPayload<{ include: typeof withSchedule }>;

/**
 * Every fleet freeze, planned, in force or past (a freeze is never deleted; a few a month): a flag's
 * percentage in force depends on them (lib/flags/schedule.ts), so every flag is loaded with them.
 */
export async function loadFreezes(db: Db | Tx): Promise<FreezeSpan[]> {
  return db.freeze.findMany({ select: { startsAt: true, endsAt: true, reason: true }, orderBy: [{ startsAt: "asc" }, { id: "asc" }] });
}

export function toFlag(r: FlagRow, freezes: readonly FreezeSpan[] = []): Flag {
  const held = r.heldAt !== null && r.heldPercentage !== null;
  return {
    key: r.key,
    description: r.description,
    owner: r.owner,
    enabled: r.enabled,
    rolloutPercentage: r.rolloutPercentage,
    percentageSetAt: r.percentageSetAt,
    allowlist: r.allowlist,
    salt: r.salt,
    targeting: { tiers: r.targetTiers, cells: r.targetCells, regions: r.targetRegions },
    schedule: r.schedule.map((s) => ({ at: s.at, percentage: s.percentage })),
    requires: parseStoredRequires(r.requires, r.key),
    guard: parseStoredGuard(r.guard, r.key),
    hold: held ? { at: r.heldAt!, percentage: r.heldPercentage! } : null,
    holdReason: held ? r.holdReason : null,
    percentageBefore: r.percentageBefore,
    guardSince: r.guardSince,
    protected: r.protected,
    freezes,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export async function listFlags(db: Db | Tx): Promise<Flag[]> {
  return (await listFlagsAndFreezes(db)).flags;
}

/** Every flag, and the freezes they carry (for the evaluation snapshot's fingerprint). */
export async function listFlagsAndFreezes(db: Db | Tx): Promise<{ flags: Flag[]; freezes: FreezeSpan[] }> {
  const [rows, freezes] = await Promise.all([db.featureFlag.findMany({ include: withSchedule, orderBy: { key: "asc" } }), loadFreezes(db)]);
  return { flags: rows.map((r) => toFlag(r, freezes)), freezes };
}

export async function getFlag(db: Db | Tx, key: string): Promise<Flag | null> {
  const [row, freezes] = await Promise.all([db.featureFlag.findUnique({ where: { key }, include: withSchedule }), loadFreezes(db)]);
  return row ? toFlag(row, freezes) : null;
}

/** What the specs may refer to: the customers among `customerIds` that exist, every live cell and region. */
export async function flagRefs(db: Db | Tx, customerIds: readonly string[]): Promise<FlagRefs> {
  const [customers, cells, services] = await Promise.all([
    customerIds.length ? db.customer.findMany({ where: { id: { in: [...new Set(customerIds)] } }, select: { id: true } }) : [],
    db.cell.findMany({ where: { status: { not: "retired" } }, select: { id: true, region: true } }),
    db.service.findMany({ select: { id: true }, orderBy: { sortOrder: "asc" } }),
  ]);
  return {
    customers: new Set(customers.map((c) => c.id)),
    cells: new Set(cells.map((c) => c.id)),
    regions: new Set(cells.map((c) => c.region)),
    services: new Set(services.map((s) => s.id)),
  };
}

/** Every customer with its home cell's tier and region (for exposure estimates). */
export async function customerHomes(db: Db | Tx): Promise<CustomerHome[]> {
  const rows = await db.customer.findMany({
    select: { id: true, homeCell: { select: { id: true, tier: true, region: true } } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ id: r.id, cell: r.homeCell.id, tier: r.homeCell.tier, region: r.homeCell.region }));
}

export async function customerHome(db: Db | Tx, id: string): Promise<(CustomerHome & { name: string; plan: string }) | null> {
  const r = await db.customer.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      plan: true,
      homeCell: { select: { id: true, tier: true, region: true, services: { select: { serviceId: true, observedVersion: true } } } },
    },
  });
  if (!r) return null;
  const versions = Object.fromEntries(r.homeCell.services.map((s) => [s.serviceId, s.observedVersion]));
  return { id: r.id, name: r.name, plan: r.plan, cell: r.homeCell.id, tier: r.homeCell.tier, region: r.homeCell.region, versions };
}

function rowData(spec: FlagSpec) {
  return {
    description: spec.description,
    owner: spec.owner,
    enabled: spec.enabled,
    rolloutPercentage: spec.rolloutPercentage,
    allowlist: spec.allowlist,
    salt: spec.salt ?? spec.key,
    targetTiers: spec.targeting.tiers,
    targetCells: spec.targeting.cells,
    targetRegions: spec.targeting.regions,
    requires: spec.requires,
    // SQL NULL for no guard (the runtime's DbNull, not the generated namespace: the CLI's entry stays small).
    guard: spec.guard === null ? DbNull : (JSON.parse(JSON.stringify(spec.guard)) as Prisma.InputJsonValue),
    protected: spec.protected ?? false,
  };
}

async function validated(db: Db | Tx, input: unknown, previous?: FlagSpec): Promise<FlagSpec> {
  const parsed = flagSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError("INVALID", "Some fields are not valid; nothing was changed.", toFieldErrors(zodProblems(parsed.error)));
  }
  const refs = await flagRefs(db, parsed.data.allowlist);
  const problems = referenceProblems(parsed.data, refs, previous);
  if (problems.length) throw new DomainError("INVALID", "Some fields are not valid; nothing was changed.", toFieldErrors(problems));
  return parsed.data;
}

async function writeSchedule(tx: Tx, key: string, schedule: FlagSpec["schedule"]) {
  await tx.flagScheduleStep.deleteMany({ where: { flagKey: key } });
  if (schedule.length)
    await tx.flagScheduleStep.createMany({ data: schedule.map((s) => ({ flagKey: key, at: s.at, percentage: s.percentage })) });
}

/**
 * A flag change: the flag as it is now, and the change's audit event (none when nothing changed).
 * On a protected flag a person's change is not applied: `request` is the change request it became.
 */
export type FlagChange = Audited<Flag> & { request?: FlagChangeRequest };

/**
 * Who changes a protected flag: a person, whose change (but switching the flag off) becomes a
 * change request; or an approved request, which applies. Without it a protected flag's change is refused.
 */
export type FlagChangeBy = { requestedBy: string; comment?: string } | { approvedRequest: string };

const PROTECTED = (key: string) =>
  `"${key}" is protected: its changes wait for a second product owner or an admin (a change request); only switching it off applies at once. Nothing was saved.`;

/** Create a flag. A taken key is a CONFLICT. */
export async function createFlag(tx: Tx, input: FlagSpecInput, now: Date): Promise<FlagChange> {
  const spec = await validated(tx, input);
  assertFreezeAllows(spec.key, { before: null, after: spec, percentageSetAt: now }, await loadFreezes(tx), now);
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FLAG_WRITE_LOCK})`);
  if (await tx.featureFlag.findUnique({ where: { key: spec.key }, select: { key: true } })) {
    throw new DomainError("CONFLICT", `A flag with the key "${spec.key}" already exists.`, { key: ["already exists"] });
  }
  await tx.featureFlag.create({
    data: { key: spec.key, ...rowData(spec), percentageSetAt: now, createdAt: now, updatedAt: now, version: 1 },
  });
  await writeSchedule(tx, spec.key, spec.schedule);
  const flag = (await getFlag(tx, spec.key))!;
  return {
    data: flag,
    audit: [{ action: "flag.create", targetType: "flag", targetId: spec.key, after: { ...auditSpec(specOf(flag)), version: 1 } }],
  };
}

function auditSpec(spec: FlagSpec) {
  return { ...spec, schedule: spec.schedule.map((s) => ({ at: s.at.toISOString(), percentage: s.percentage })) };
}

export type FlagPatch = Partial<Omit<FlagSpecInput, "key">>;

/**
 * Change one flag, optimistically: `expectedVersion` is the version the editor saw. Someone else's
 * change in between is a CONFLICT and nothing is written. The row is locked for the check and write,
 * so two simultaneous edits of the same version produce exactly one change.
 *
 * A new `rolloutPercentage` takes effect now: it holds until the next scheduled step.
 *
 * A protected flag's change by a person (`by.requestedBy`) is stored as a change request instead,
 * unless it only switches the flag off (lib/flags/change-requests.ts).
 */
export async function updateFlag(
  tx: Tx,
  key: string,
  expectedVersion: number,
  patch: FlagPatch,
  action: string,
  now: Date,
  by?: FlagChangeBy,
): Promise<FlagChange> {
  const locked = await tx.$queryRaw<{ version: number }[]>`SELECT version FROM feature_flags WHERE key = ${key} FOR UPDATE`;
  if (locked.length === 0) throw new DomainError("NOT_FOUND", `There is no flag "${key}".`);
  const current = (await getFlag(tx, key))!;
  if (current.version !== expectedVersion) {
    const last = await tx.auditEvent.findFirst({
      where: { targetType: "flag", targetId: key },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      select: { actor: true, at: true },
    });
    throw new DomainError(
      "CONFLICT",
      `"${key}" was changed${last ? ` by ${last.actor} at ${last.at.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""} after you loaded it (version ${expectedVersion} → ${current.version}). Reload to see that change; nothing was saved.`,
    );
  }
  if (current.hold && patch.rolloutPercentage !== undefined) {
    throw new DomainError(
      "PRECONDITION",
      `The ramp of "${key}" is held by its guard at ${current.hold.percentage}% since ${current.hold.at.toISOString().slice(0, 16).replace("T", " ")} UTC: resume it first (or switch the flag off). Nothing was saved.`,
    );
  }
  const before = specOf(current);
  const next = await validated(tx, { ...specInput(before), ...patch, key }, before);
  const changes = specChanges(before, next);
  const effectiveBefore = effectivePercentage(current, now);
  const percentageNow =
    patch.rolloutPercentage !== undefined &&
    (next.rolloutPercentage !== current.rolloutPercentage || effectiveBefore !== next.rolloutPercentage);
  if (Object.keys(changes.after).length === 0 && !percentageNow) return { data: current, audit: [] };
  // A freeze refuses what widens exposure, whoever asks (a change request approved later included).
  assertFreezeAllows(key, { before: current, after: next, percentageSetAt: percentageNow ? now : null }, current.freezes ?? [], now);
  if (current.protected && !(by && "approvedRequest" in by) && !appliesAtOnce(changedFields(changes.after, percentageNow), next)) {
    if (!by) throw new DomainError("PRECONDITION", PROTECTED(key));
    const proposal = { current, before, next, changed: changes.after, percentageSetAgain: percentageNow, action, now };
    const { data: request, audit } = await proposeFlagChange(tx, { ...proposal, requestedBy: by.requestedBy, comment: by.comment });
    return { data: current, audit, request };
  }

  const version = current.version + 1;
  await tx.featureFlag.update({
    where: { key },
    data: {
      ...rowData(next),
      version,
      updatedAt: now,
      ...(percentageNow ? { percentageSetAt: now, percentageBefore: effectiveBefore } : {}),
    },
  });
  if ("schedule" in changes.after) await writeSchedule(tx, key, next.schedule);
  const flag = (await getFlag(tx, key))!;
  const effectiveAfter = effectivePercentage(flag, now);
  const effective =
    effectiveAfter !== effectiveBefore
      ? { before: { effectivePercentage: effectiveBefore }, after: { effectivePercentage: effectiveAfter } }
      : { before: {}, after: {} };
  return {
    data: flag,
    audit: [
      {
        action: `flag.${action}`,
        targetType: "flag",
        targetId: key,
        before: { ...changes.before, ...effective.before, version: current.version },
        after: { ...changes.after, ...effective.after, version },
      },
    ],
  };
}

export interface ImportSummary {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Changes of protected flags, not applied: the change requests they became (only when there are some). */
  requested?: { key: string; id: string; diff: string }[];
}

/**
 * Upsert flags by key inside `tx` (flags not in `specs` are left alone). Specs must already be
 * validated (parseFlagsYaml + checkFlagsDocument). Returns one audit event per created or changed
 * flag plus one for the import. A protected flag's change (but switching it off) becomes a change
 * request by `actor` instead (refused without one).
 */
export async function applyFlags(
  tx: Tx,
  specs: readonly FlagSpec[],
  source: string,
  now: Date,
  actor?: string,
): Promise<Audited<ImportSummary>> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FLAG_WRITE_LOCK})`);
  const keys = specs.map((s) => s.key);
  // Lock first, then read: a concurrent edit either finished before (and is seen) or waits.
  if (keys.length) await tx.$queryRaw`SELECT key FROM feature_flags WHERE key = ANY(${keys}) FOR UPDATE`;
  const freezes = await loadFreezes(tx);
  const existing = new Map(
    (await tx.featureFlag.findMany({ where: { key: { in: keys } }, include: withSchedule })).map((r) => [r.key, toFlag(r, freezes)]),
  );
  const summary: ImportSummary = { created: [], updated: [], unchanged: [] };
  const audits: AuditInput[] = [];
  for (const spec of specs) {
    const cur = existing.get(spec.key);
    if (!cur) {
      assertFreezeAllows(spec.key, { before: null, after: spec, percentageSetAt: now }, freezes, now);
      await tx.featureFlag.create({
        data: { key: spec.key, ...rowData(spec), percentageSetAt: now, createdAt: now, updatedAt: now, version: 1 },
      });
      await writeSchedule(tx, spec.key, spec.schedule);
      summary.created.push(spec.key);
      audits.push({
        action: "flag.create",
        targetType: "flag",
        targetId: spec.key,
        after: { ...auditSpec({ ...spec, salt: spec.salt ?? spec.key }), version: 1 },
      });
      continue;
    }
    // A file without `salt` keeps the flag's salt: changing it would reshuffle every bucket.
    const desired = { ...spec, salt: spec.salt ?? cur.salt };
    const changes = specChanges(specOf(cur), desired);
    if (Object.keys(changes.after).length === 0) {
      summary.unchanged.push(spec.key);
      continue;
    }
    const setNow = "rolloutPercentage" in changes.after;
    assertFreezeAllows(spec.key, { before: cur, after: desired, percentageSetAt: setNow ? now : null }, freezes, now);
    if (cur.protected && !appliesAtOnce(Object.keys(changes.after), desired)) {
      if (!actor) throw new DomainError("PRECONDITION", PROTECTED(spec.key));
      const before = specOf(cur);
      const proposal = { current: cur, before, next: desired, changed: changes.after, percentageSetAgain: false, action: "import", now };
      const { data: request, audit } = await proposeFlagChange(tx, { ...proposal, requestedBy: actor, comment: `from ${source}` });
      (summary.requested ??= []).push({ key: spec.key, id: request.id, diff: diffSummary(requestDiff(request.before, request.after)) });
      audits.push(...audit);
      continue;
    }
    const version = cur.version + 1;
    await tx.featureFlag.update({
      where: { key: spec.key },
      data: {
        ...rowData(desired),
        version,
        updatedAt: now,
        ...(setNow ? { percentageSetAt: now, percentageBefore: effectivePercentage(cur, now) } : {}),
      },
    });
    if ("schedule" in changes.after) await writeSchedule(tx, spec.key, desired.schedule);
    summary.updated.push(spec.key);
    audits.push({
      action: "flag.import",
      targetType: "flag",
      targetId: spec.key,
      before: { ...changes.before, version: cur.version },
      after: { ...changes.after, version },
    });
  }
  audits.push({ action: "flags.import", targetType: "flags", targetId: "flags", after: { source, ...summary } });
  return { data: summary, audit: audits };
}

/**
 * Parse, check and apply a flags file in one transaction. Any problem (shape, unknown customer,
 * cell or region) throws SpecValidationError with line numbers and nothing is written.
 */
export async function importFlagsYaml(tx: Tx, text: string, source: string, now: Date, actor?: string): Promise<Audited<ImportSummary>> {
  const doc = parseFlagsYaml(text);
  const stored = await tx.featureFlag.findMany({ where: { key: { in: doc.flags.map((f) => f.key) } }, include: withSchedule });
  checkFlagsDocument(doc, await flagRefs(tx, mentionedCustomers(doc)), new Map(stored.map((r) => [r.key, specOf(toFlag(r))])));
  return applyFlags(tx, doc.flags, source, now, actor);
}

export async function exportFlags(db: Db | Tx): Promise<FlagSpec[]> {
  return (await listFlags(db)).map(specOf);
}
