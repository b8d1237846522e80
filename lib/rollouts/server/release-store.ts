// Releases in PostgreSQL. Every transition — by the ticker or by a person — is one run of the
// transition skeleton (lib/transitions/server/transition.ts) in one transaction: lock the release
// row, gather observations, run the pure engine, persist the new document (guarded by `version`),
// and perform its effects (desired versions, check results, deliveries), returning the audit events
// for the caller's door to write in that transaction. Two tickers, or a ticker and a click,
// therefore apply a transition once. This file is what is particular to releases: `releaseMachine`.
import { randomBytes } from "node:crypto";
import type { Audited, AuditInput } from "@/lib/audit/events";
import { recordDecision } from "@/lib/approvals/server/store";
import { whatChangedNote } from "@/lib/changes/server/read";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { DUE_FOR_A_PASS, persistVersioned } from "@/lib/transitions/server/stored-row";
import { type Machine, pass, tick, transition } from "@/lib/transitions/server/transition";
import type { RolloutSettings } from "@/lib/settings/rollouts";
import {
  command as engineCommand,
  DEFAULT_ENGINE_CONFIG,
  EngineError,
  isTerminal,
  newRelease,
  tick as engineTick,
  type Command,
  type Effect,
  type EngineConfig,
  type Observations,
  type ReleaseDoc,
  type WavePlan,
  type WaveTelemetry,
} from "../engine";
import { VERSION_PATTERN } from "../api";
import { zoneOf } from "../windows";
import { parseReleaseDoc } from "../release-doc";
import { waveWindow } from "./guard-window";

export function engineConfig(s: RolloutSettings, timeScale: number): EngineConfig {
  return {
    ...DEFAULT_ENGINE_CONFIG,
    timeScale,
    deployTimeoutMs: s.deployTimeoutMin * 60_000,
    telemetryTimeoutMs: s.telemetryTimeoutMin * 60_000,
    noticeLeadMs: s.noticeLeadHours * 3600_000,
  };
}

export interface StartInput {
  title?: string;
  pipelineId: string;
  versions: Record<string, string>;
  plan: WavePlan[];
  /** The release's own speed (a migration's): bakes are divided by it instead of the server's time scale. */
  timeScale?: number;
}

/**
 * Create a release with its plan snapshot. One active release per service at a time. `actor` starts
 * it (and is the actor of its `release.start` event, whoever drives the transaction).
 */
export async function createRelease(tx: Tx, input: StartInput, actor: string, now: Date): Promise<Audited<{ id: string }>> {
  const services = Object.keys(input.versions);
  if (services.length === 0) throw new DomainError("INVALID", "name at least one service and version", { versions: ["required"] });
  const known = await tx.service.findMany({ where: { id: { in: services } }, select: { id: true } });
  const unknown = services.filter((s) => !known.some((k) => k.id === s));
  if (unknown.length)
    throw new DomainError("INVALID", `unknown service ${unknown.join(", ")}`, { versions: [`unknown service ${unknown.join(", ")}`] });
  const bad = Object.entries(input.versions).filter(([, v]) => !VERSION_PATTERN.test(v));
  if (bad.length)
    throw new DomainError("INVALID", `invalid version for ${bad.map(([s]) => s).join(", ")}`, {
      versions: ["letters, digits, . _ + - (max 64)"],
    });
  // Serialise starts so two concurrent starts cannot both pass the one-active-release check.
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(72707369301)`);
  const active = await tx.release.findMany({
    where: { status: { in: ["running", "awaiting_approval", "paused", "rolling_back"] } },
    select: { id: true, versions: true },
  });
  const clash = active.find((r) => Object.keys(r.versions as Record<string, string>).some((s) => services.includes(s)));
  if (clash)
    throw new DomainError(
      "CONFLICT",
      `release ${clash.id} is still rolling ${Object.keys(clash.versions as object).join(", ")}; finish, roll back or abort it first`,
    );
  let doc: ReleaseDoc;
  try {
    doc = newRelease(input.plan, input.versions, actor, now);
    if (input.timeScale) doc.timeScale = input.timeScale;
  } catch (e) {
    if (e instanceof EngineError) throw new DomainError("PRECONDITION", e.message);
    throw e;
  }
  const id = `rel-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(3).toString("hex")}`;
  const title = input.title?.trim() || services.map((s) => `${s} ${input.versions[s]}`).join(", ");
  await tx.release.create({
    data: {
      id,
      title,
      pipelineId: input.pipelineId,
      versions: input.versions,
      status: doc.status,
      currentWave: 0,
      doc: doc as unknown as Prisma.InputJsonValue,
      startedBy: actor,
      startedAt: now,
      updatedAt: now,
    },
  });
  const started: AuditInput = {
    action: "release.start",
    targetType: "release",
    targetId: id,
    after: {
      title,
      pipeline: input.pipelineId,
      versions: input.versions,
      waves: input.plan.map((w) => ({ name: w.name, cells: w.cells })),
    },
    actor,
  };
  return { data: { id }, audit: [started] };
}

type Locked = { id: string; state: ReleaseDoc; version: number; status: string; startedBy: string; settings: RolloutSettings };

async function lock(tx: Tx, id: string): Promise<Locked | null> {
  const rows = await tx.$queryRaw<{ id: string; doc: unknown; version: number; status: string; started_by: string }[]>`
    SELECT id, doc, version, status::text AS status, started_by FROM releases WHERE id = ${id} FOR UPDATE`;
  const r = rows[0];
  if (!r) return null;
  const settings = (await readSetting(tx, SETTINGS.rollouts)).value;
  return { id: r.id, state: parseReleaseDoc(r.doc, r.id), version: r.version, status: r.status, startedBy: r.started_by, settings };
}

/** What the engine needs to decide the current wave's next step. */
export async function observe(tx: Tx, doc: ReleaseDoc, now: Date, timeScale = 1): Promise<Observations> {
  const w = doc.waves[doc.current];
  const cells = w?.cells ?? [];
  // Every cell of the release: one pass may finish a wave and start the next.
  const allCells = [...new Set(doc.waves.flatMap((x) => x.cells))];
  const services = Object.keys(doc.versions);
  const [rows, freezes, thresholds] = await Promise.all([
    tx.cellService.findMany({
      where: { cellId: { in: allCells }, serviceId: { in: services } },
      select: { cellId: true, serviceId: true, observedVersion: true, desiredVersion: true },
    }),
    tx.freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }),
    readSetting(tx, SETTINGS.thresholds),
  ]);
  const observed: Observations["observed"] = {};
  const desired: Observations["desired"] = {};
  for (const r of rows) {
    (observed[r.cellId] ??= {})[r.serviceId] = r.observedVersion;
    (desired[r.cellId] ??= {})[r.serviceId] = r.desiredVersion;
  }
  const windows: Observations["windows"] = {};
  const windowCells = doc.waves
    .slice(doc.current)
    .filter((x) => x.maintenanceWindow)
    .flatMap((x) => x.cells);
  if (windowCells.length) {
    const cellRows = await tx.cell.findMany({ where: { id: { in: windowCells } }, select: { id: true, tier: true, region: true } });
    const mws = await tx.maintenanceWindow.findMany({
      where: { scope: { in: [...cells, ...new Set(cellRows.map((c) => `tier:${c.tier}`))] } },
    });
    for (const c of cellRows) {
      windows[c.id] = {
        zone: zoneOf(c.region),
        windows: mws
          .filter((m) => m.scope === c.id || m.scope === `tier:${c.tier}`)
          .map((m) => ({ weekday: m.weekday, startMinute: m.startMinute, durationMin: m.durationMin })),
      };
    }
  }
  let telemetry: WaveTelemetry | undefined;
  let guard: WaveTelemetry | undefined;
  if (w?.state === "VALIDATING" && w.bakeStartedAt) {
    telemetry = await waveWindow(tx, doc, w, "final", now, timeScale);
  } else if ((w?.state === "DEPLOYING" || w?.state === "BAKING") && w.checks.length && doc.status !== "paused") {
    guard = await waveWindow(tx, doc, w, "continuous", now, timeScale);
  }
  return {
    observed,
    desired,
    freezes: freezes.map((f) => ({ startsAt: f.startsAt, endsAt: f.endsAt, reason: f.reason })),
    windows,
    telemetry,
    guard,
    thresholds: { errorRate: thresholds.value.yellow.errorRate, p99Ms: thresholds.value.yellow.p99Ms },
  };
}

function slackTarget(target: string, s: RolloutSettings): string | null {
  if (target.startsWith("slack://")) return s.channels[target.slice("slack://".length)] || null;
  return /^https?:\/\//.test(target) ? target : null;
}

/** Perform an engine step's effects; returns the audit events that describe them. */
async function perform(
  tx: Tx,
  releaseId: string,
  doc: ReleaseDoc,
  effects: Effect[],
  now: Date,
  settings: RolloutSettings,
): Promise<AuditInput[]> {
  const audits: AuditInput[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case "setDesired": {
        for (const [service, version] of Object.entries(e.versions)) {
          await tx.cellService.updateMany({ where: { cellId: { in: e.cells }, serviceId: service }, data: { desiredVersion: version } });
          if (settings.deployWebhook) {
            await tx.delivery.createMany({
              data: e.cells.map((cell) => ({
                kind: "deploy",
                releaseId,
                event: "desired_version",
                target: settings.deployWebhook,
                payload: { cell, service, version, release: releaseId, wave: doc.waves[e.wave]!.name },
                nextAttemptAt: now,
                createdAt: now,
              })),
            });
          }
        }
        audits.push({
          action: "release.deploy",
          targetType: "release",
          targetId: releaseId,
          after: { wave: doc.waves[e.wave]!.name, cells: e.cells, versions: e.versions },
        });
        break;
      }
      case "restoreDesired": {
        for (const [cell, perService] of Object.entries(e.previous)) {
          for (const [service, version] of Object.entries(perService)) {
            if (version === null) continue;
            await tx.cellService.updateMany({ where: { cellId: cell, serviceId: service }, data: { desiredVersion: version } });
            if (settings.deployWebhook) {
              await tx.delivery.create({
                data: {
                  kind: "deploy",
                  releaseId,
                  event: "desired_version",
                  target: settings.deployWebhook,
                  payload: { cell, service, version, release: releaseId, wave: doc.waves[e.wave]!.name, rollback: true },
                  nextAttemptAt: now,
                  createdAt: now,
                },
              });
            }
          }
        }
        audits.push({
          action: "release.rollback",
          targetType: "release",
          targetId: releaseId,
          after: { wave: doc.waves[e.wave]!.name, restore: e.previous },
        });
        break;
      }
      case "notify": {
        const url = e.target ? slackTarget(e.target, settings) : null;
        // A failed wave's notification says what changed on its cells before it failed.
        const causes =
          e.event === "wave_failed" ? await whatChangedNote(tx, { cells: e.cells ?? [], services: Object.keys(doc.versions) }, now) : null;
        await tx.delivery.create({
          data: {
            kind: "notification",
            releaseId,
            event: e.event,
            target: e.target ?? "(none)",
            payload: {
              text: causes ? `${e.text}\n${causes.text}` : e.text,
              release: releaseId,
              wave: doc.waves[e.wave]?.name ?? null,
              event: e.event,
              cells: e.cells ?? [],
              ...(causes ? { changes: causes.changes } : {}),
            },
            status: url ? "pending" : "failed",
            lastError: url
              ? null
              : e.target
                ? `no webhook configured for ${e.target} (Settings → Rollouts)`
                : "no notification target in the pipeline",
            nextAttemptAt: now,
            createdAt: now,
          },
        });
        break;
      }
      case "recordChecks":
        await tx.releaseCheckResult.createMany({
          data: e.results.map((r) => ({
            releaseId,
            wave: e.wave,
            check: r.check,
            passed: r.passed,
            measured: r.measured,
            threshold: r.threshold,
            unit: r.unit,
            detail: r.detail,
            state: r.state ?? null,
            baseline: r.baseline ?? null,
            ratio: r.ratio ?? null,
            windowFrom: new Date(e.from),
            windowTo: new Date(e.to),
            at: now,
          })),
        });
        break;
      case "transition":
        audits.push({
          action: "release.transition",
          targetType: "release",
          targetId: releaseId,
          before: { wave: doc.waves[e.wave]!.name, state: e.from },
          after: { wave: doc.waves[e.wave]!.name, state: e.to, detail: e.detail },
        });
        break;
    }
  }
  return audits;
}

function persist(tx: Tx, locked: Locked, doc: ReleaseDoc, now: Date) {
  const columns = { currentWave: doc.current, finishedAt: isTerminal(doc.status) ? now : null };
  return persistVersioned("release", (args) => tx.release.updateMany(args), locked, doc, columns, now);
}

/** A release as the transition skeleton drives it: the engine, its observations, its effects. */
export function releaseMachine(timeScale: number): Machine<Locked, ReleaseDoc, Effect> {
  return {
    noun: "release",
    lock,
    live: (l) => l.status !== "paused" && !isTerminal(l.state.status),
    settles: (doc) => doc.status !== "paused" && !isTerminal(doc.status),
    pass: async (tx, l, doc, now) => {
      const scale = doc.timeScale ?? timeScale;
      const step = engineTick(doc, await observe(tx, doc, now, scale), now, engineConfig(l.settings, scale));
      return { state: step.doc, effects: step.effects };
    },
    refuse: (e) => {
      if (e instanceof EngineError) throw new DomainError(e.code === "FORBIDDEN" ? "PRECONDITION" : e.code, e.message);
      throw e;
    },
    commit: async (tx, l, step, _actor, now) => {
      await persist(tx, l, step.state, now);
      return perform(tx, l.id, step.state, step.effects, now, l.settings);
    },
  };
}

/** One ticker pass over a release in `tx`. Its data: whether anything changed. */
export function stepRelease(tx: Tx, id: string, now: Date, timeScale: number): Promise<Audited<boolean>> {
  return pass(tx, releaseMachine(timeScale), id, now);
}

/** One ticker pass over a release, in a transaction of its own, audited as the ticker. Returns whether anything changed. */
export function tickRelease(db: Db, id: string, now: Date, timeScale: number): Promise<boolean> {
  return tick(db, releaseMachine(timeScale), id, now);
}

/** Commands the engine applies without a wave transition: recorded as an event of their own. */
const COMMAND_EVENTS: Partial<Record<Command["kind"], string>> = {
  pause: "release.pause",
  resume: "release.resume",
  abort: "release.abort",
  rollbackRelease: "release.rollback_whole",
};

/**
 * A person's command (approve, reject, pause, resume, abort, roll back, advance), then one engine
 * pass so an approval starts deploying at once. Runs inside the caller's transaction (the one door).
 */
export async function commandRelease(tx: Tx, id: string, cmd: Command, actor: string, now: Date, timeScale: number) {
  const commanded = COMMAND_EVENTS[cmd.kind];
  const { data, audit } = await transition(
    tx,
    releaseMachine(timeScale),
    id,
    {
      decide: (doc) => {
        const step = engineCommand(doc, cmd, now);
        return { state: step.doc, effects: step.effects };
      },
      record:
        cmd.kind === "approve" || cmd.kind === "reject"
          ? (tx) => recordDecision(tx, { kind: "release", id, wave: cmd.wave }, { decision: cmd.kind, comment: cmd.comment }, actor, now)
          : undefined,
      audit: (l, decided) =>
        commanded
          ? [
              {
                action: commanded,
                targetType: "release",
                targetId: id,
                before: { status: l.state.status },
                after: { status: decided.status },
                reason: "reason" in cmd && cmd.reason ? cmd.reason : null,
              },
            ]
          : [],
    },
    actor,
    now,
  );
  const { before, after } = data;
  return {
    data: {
      before: { status: before.status, wave: before.current, state: before.waves[before.current]?.state },
      after: { status: after.status, wave: after.current, state: after.waves[after.current]?.state },
    },
    audit,
  };
}

/** Releases the ticker should advance. */
export async function activeReleaseIds(db: Db): Promise<string[]> {
  return (await db.release.findMany(DUE_FOR_A_PASS)).map((r) => r.id);
}
