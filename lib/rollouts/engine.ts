// The release engine: a pure state machine.
//   tick(doc, observations, now, config)  → next doc + effects   (advanced by the ticker)
//   command(doc, command, now, config)    → next doc + effects   (a person's decision)
// No I/O and no clock inside: the store gathers observations, persists the doc under a row lock,
// and performs the effects in the same transaction.
import { fourEyes, RELEASE_GATE } from "@/lib/approvals/four-eyes";
import { breachText, evaluateGuard, type GuardOptions, type GuardState, type GuardWindow } from "./guards";
import type { PlannedWave } from "./plan";
import type { OnBreach, ReleaseStatus, WaveState } from "./types";
import { formatLocal, windowAt, type Freeze, type WeeklyWindow } from "./windows";
import { TransitionError } from "@/lib/errors";
import { formatDuration } from "@/lib/format";
import { freezeInForce, freezeText } from "@/lib/settings/freezes";

/** One wave as planned at release start (cells are a snapshot). */
export type WavePlan = PlannedWave;

export interface Decision {
  decision: "approve" | "reject";
  by: string;
  at: string;
  comment: string;
}

export interface CheckResult {
  check: string;
  passed: boolean;
  /** pass, breach, or not enough data (which never passes). Absent in results stored before guards. */
  state?: "pass" | "breach" | "not_enough_data";
  /** The worst cell's value (a relative check: the cell with the highest ratio). */
  measured: number | null;
  /** The limit; for a relative check, the factor. */
  threshold: number | null;
  unit: string;
  /** Relative checks: the baseline's value and measured ÷ baseline. */
  baseline?: number | null;
  ratio?: number | null;
  detail: string;
}

export interface WaveRun extends WavePlan {
  state: WaveState;
  /** When the wave entered its current state (ISO). */
  since: string;
  /** Why it is waiting, in words, while it waits. */
  waiting: string | null;
  /** Why it failed, in words. */
  failure: string | null;
  /** Desired versions before this wave deployed: what a rollback restores. */
  previous: Record<string, Record<string, string | null>> | null;
  deployStartedAt: string | null;
  bakeStartedAt: string | null;
  bakeEndsAt: string | null;
  validateStartedAt: string | null;
  finishedAt: string | null;
  decision: Decision | null;
  checkResults: CheckResult[] | null;
  noticeSent: boolean;
  /** The continuous guard's last verdict while the wave deployed or baked (absent before guards). */
  guard?: WaveGuard | null;
  /** The breach that failed (or paused) the wave, when its guard saw one. */
  breach?: GuardBreach | null;
  /** The guard looks back no further than this (set when a person resumes after a guard pause). */
  guardSince?: string | null;
}

/** What the guard of a deploying or baking wave saw at its last evaluation. */
export interface WaveGuard {
  state: GuardState;
  lastEvaluatedAt: string;
  window: { from: string; to: string };
  /** The cells it watched: the wave's cells already on the new version. */
  cells: string[];
  results: CheckResult[];
}

/** When, which check, the measured value against the threshold, and what the wave did about it. */
export interface GuardBreach extends CheckResult {
  at: string;
  action: OnBreach;
}

/** A release's state, stored as `releases.doc`; read back with `parseReleaseDoc` (release-doc.ts). */
export interface ReleaseDoc {
  status: ReleaseStatus;
  /** service → target version. */
  versions: Record<string, string>;
  startedBy: string;
  current: number;
  waves: WaveRun[];
  pausedFrom: ReleaseStatus | null;
  /** When the release was paused (ISO): the bake clock stands still from then until it resumes. */
  pausedAt?: string | null;
  endReason: string | null;
  /** Its own speed, when it has one (a schema migration's release): used instead of the server's time scale. */
  timeScale?: number;
}

/** Telemetry of a wave's cells on the new version, a baseline and alerts, over a window (guards.ts). */
export type WaveTelemetry = GuardWindow;

export interface Observations {
  /** cell → service → observed version, for the current wave's cells. */
  observed: Record<string, Record<string, string | null>>;
  /** cell → service → desired version now, for the current wave's cells. */
  desired: Record<string, Record<string, string | null>>;
  freezes: Freeze[];
  /** cell → its maintenance windows and time zone (only for waves that need one). */
  windows: Record<string, { zone: string; windows: WeeklyWindow[] }>;
  /** The bake's telemetry, present when the current wave is validating. */
  telemetry?: WaveTelemetry;
  /** The guard's trailing window, present when the current wave is deploying or baking. */
  guard?: WaveTelemetry;
  /** Fleet health's yellow thresholds: what bare `error_rate` and `latency` checks mean. */
  thresholds: { errorRate: number; p99Ms: number };
}

export interface EngineConfig {
  /** Bakes and alert look-backs are divided by this (demo compression). */
  timeScale: number;
  /** Real time allowed for cells to report the new version. */
  deployTimeoutMs: number;
  /** Real time allowed to wait for telemetry from every cell after the bake. */
  telemetryTimeoutMs: number;
  /** Lead time of the customer notice before a maintenance window (divided by timeScale). */
  noticeLeadMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  timeScale: 1,
  deployTimeoutMs: 15 * 60_000,
  telemetryTimeoutMs: 5 * 60_000,
  noticeLeadMs: 24 * 3600_000,
};

export type NotifyEvent = "gate_waiting" | "wave_failed" | "guard_breach" | "rollback_done" | "release_finished" | "customer_notice";

export type Effect =
  | { kind: "setDesired"; wave: number; cells: string[]; versions: Record<string, string> }
  | { kind: "restoreDesired"; wave: number; previous: Record<string, Record<string, string | null>> }
  | { kind: "notify"; event: NotifyEvent; wave: number; target: string | null; text: string; cells?: string[] }
  | { kind: "recordChecks"; wave: number; results: CheckResult[]; from: string; to: string }
  | { kind: "transition"; wave: number; from: WaveState; to: WaveState; detail: string };

export class EngineError extends TransitionError {
  override name = "EngineError";
}

const TERMINAL: ReleaseStatus[] = ["succeeded", "rolled_back", "aborted"];
export const isTerminal = (s: ReleaseStatus) => TERMINAL.includes(s);

/**
 * The bake time a wave has left at `now`. Pausing a release stops the bake clock: while paused,
 * what was left when it was paused; resuming moves the bake's end by the length of the pause.
 */
export function bakeRemainingMs(w: Pick<WaveRun, "bakeEndsAt">, doc: Pick<ReleaseDoc, "pausedAt">, now: Date): number | null {
  if (!w.bakeEndsAt) return null;
  const clock = doc.pausedAt ? new Date(doc.pausedAt) : now;
  return Math.max(0, new Date(w.bakeEndsAt).getTime() - clock.getTime());
}

/** Wave states whose cells were set to the new version and were not set back. */
const KEPT_STATES: WaveState[] = ["PASSED", "DEPLOYING", "BAKING", "VALIDATING"];

/**
 * Waves of a finished (rolled back or aborted) release whose cells kept the new version: a failing
 * check rolls back only its own wave, and an abort leaves every wave as it was.
 */
export function keptWaves(doc: ReleaseDoc): (WaveRun & { index: number })[] {
  if (doc.status !== "rolled_back" && doc.status !== "aborted") return [];
  return doc.waves.map((w, index) => ({ ...w, index })).filter((w) => w.deployStartedAt !== null && KEPT_STATES.includes(w.state));
}

export function newRelease(plan: WavePlan[], versions: Record<string, string>, startedBy: string, now: Date): ReleaseDoc {
  if (plan.length === 0) throw new EngineError("PRECONDITION", "the pipeline resolves to no cells");
  return {
    status: "running",
    versions,
    startedBy,
    current: 0,
    pausedFrom: null,
    endReason: null,
    waves: plan.map((w) => ({
      ...w,
      state: "PENDING",
      since: now.toISOString(),
      waiting: null,
      failure: null,
      previous: null,
      deployStartedAt: null,
      bakeStartedAt: null,
      bakeEndsAt: null,
      validateStartedAt: null,
      finishedAt: null,
      decision: null,
      checkResults: null,
      noticeSent: false,
    })),
  };
}

interface Step {
  doc: ReleaseDoc;
  effects: Effect[];
}

function clone(doc: ReleaseDoc): ReleaseDoc {
  return structuredClone(doc);
}

function moveWave(step: Step, i: number, to: WaveState, now: Date, detail: string) {
  const w = step.doc.waves[i]!;
  const from = w.state;
  w.state = to;
  w.since = now.toISOString();
  w.waiting = null;
  step.effects.push({ kind: "transition", wave: i, from, to, detail });
}

const notifyTarget = (doc: ReleaseDoc, i: number) => doc.waves[i]?.notify ?? doc.waves.find((w) => w.notify)?.notify ?? null;

function notify(step: Step, i: number, event: NotifyEvent, text: string, cells?: string[]) {
  step.effects.push({ kind: "notify", event, wave: i, target: notifyTarget(step.doc, i), text, cells });
}

function finish(step: Step, status: ReleaseStatus, reason: string) {
  step.doc.status = status;
  step.doc.endReason = reason;
  notify(
    step,
    step.doc.current,
    "release_finished",
    `Release ${status === "succeeded" ? "finished" : status.replace("_", " ")}: ${reason}`,
  );
}

function startRollback(step: Step, i: number, now: Date, reason: string) {
  const w = step.doc.waves[i]!;
  w.failure = reason;
  if (w.state !== "FAILED") moveWave(step, i, "FAILED", now, reason);
  notify(step, i, "wave_failed", `Wave ${w.name} failed: ${reason}. Rolling back ${w.cells.join(", ")}.`, w.cells);
  moveWave(step, i, "ROLLING_BACK", now, `restoring previous versions on ${w.cells.join(", ")}`);
  step.effects.push({ kind: "restoreDesired", wave: i, previous: w.previous ?? {} });
}

/** Advance a release as far as the observations allow. */
export function tick(input: ReleaseDoc, observations: Observations, now: Date, cfg: EngineConfig): Step {
  let obs = observations;
  const step: Step = { doc: clone(input), effects: [] };
  const doc = step.doc;
  if (doc.status === "rolling_back") {
    awaitWholeRollback(step, obs, now);
    return step;
  }
  for (let guard = 0; guard < 8; guard++) {
    if (doc.status === "paused" || isTerminal(doc.status)) break;
    const i = doc.current;
    const w = doc.waves[i];
    if (!w) break;
    const before = JSON.stringify(w) + doc.status + doc.current;
    advanceWave(step, i, obs, now, cfg);
    if (JSON.stringify(doc.waves[i]) + doc.status + doc.current === before) break;
    // Telemetry was gathered for the wave that just finished; the next wave may start deploying
    // now, but its checks wait for observations of its own.
    if (doc.current !== i) obs = { ...obs, telemetry: undefined, guard: undefined };
  }
  return step;
}

/** One wave's tick: the step being built, the wave, and what the ticker observed. */
interface WaveTick {
  step: Step;
  doc: ReleaseDoc;
  i: number;
  w: WaveRun;
  obs: Observations;
  now: Date;
  cfg: EngineConfig;
  services: string[];
}

/** "sms v2.5.0, voice v1.9.0": the versions the release sets. */
const versionsText = (doc: ReleaseDoc) =>
  Object.keys(doc.versions)
    .map((s) => `${s} ${doc.versions[s]}`)
    .join(", ");

function advanceWave(step: Step, i: number, obs: Observations, now: Date, cfg: EngineConfig) {
  const doc = step.doc;
  const w = doc.waves[i]!;
  const t: WaveTick = { step, doc, i, w, obs, now, cfg, services: Object.keys(doc.versions) };
  switch (w.state) {
    case "PENDING":
      return startWave(t);
    case "AWAITING_APPROVAL":
      return; // moved on by a decision (command)
    case "DEPLOYING":
      return awaitDeploy(t);
    case "BAKING":
      return bake(t);
    case "VALIDATING":
      return validate(t);
    case "ROLLING_BACK":
      return awaitRollback(t);
    default:
      return;
  }
}

/** PENDING: start deploying unless a freeze, the approval gate or a closed maintenance window holds it. */
function startWave(t: WaveTick) {
  const { step, doc, i, w, obs, now, services } = t;
  const freeze = freezeInForce(obs.freezes, now);
  if (freeze) {
    w.waiting = freezeText(freeze);
    return;
  }
  if (w.requiresApproval && !w.decision) {
    moveWave(step, i, "AWAITING_APPROVAL", now, "waiting for a release manager's approval");
    w.waiting = "waiting for approval by a release manager other than the one who started the release";
    doc.status = "awaiting_approval";
    notify(
      step,
      i,
      "gate_waiting",
      `Approval needed: wave ${w.name} (${w.cells.join(", ")}) of the release of ${versionsText(doc)}.`,
      w.cells,
    );
    return;
  }
  if (w.maintenanceWindow && waitsForMaintenanceWindow(t)) return;
  w.previous = Object.fromEntries(
    w.cells.map((c) => [c, Object.fromEntries(services.map((s) => [s, obs.desired[c]?.[s] ?? obs.observed[c]?.[s] ?? null]))]),
  );
  w.deployStartedAt = now.toISOString();
  doc.status = "running";
  moveWave(step, i, "DEPLOYING", now, `setting ${versionsText(doc)} on ${w.cells.join(", ")}`);
  step.effects.push({ kind: "setDesired", wave: i, cells: w.cells, versions: doc.versions });
}

/**
 * A wave marked `maintenance_window` deploys only when every cell's window is open. While waiting,
 * customers are sent one notice a lead time before the first window opens.
 */
function waitsForMaintenanceWindow({ step, doc, i, w, obs, now, cfg }: WaveTick): boolean {
  const closed: string[] = [];
  let nextOpen: { cell: string; at: Date; zone: string } | null = null;
  for (const cell of w.cells) {
    const cw = obs.windows[cell];
    const win = cw ? windowAt(cw.windows, cw.zone, now) : null;
    if (!win) {
      closed.push(cell);
      continue;
    }
    if (win.inside) continue;
    closed.push(cell);
    if (!nextOpen || win.start < nextOpen.at) nextOpen = { cell, at: win.start, zone: cw!.zone };
    if (!w.noticeSent && win.start.getTime() - now.getTime() <= cfg.noticeLeadMs / cfg.timeScale) {
      w.noticeSent = true;
      notify(
        step,
        i,
        "customer_notice",
        `Maintenance for customers of ${w.cells.join(", ")} starting ${formatLocal(win.start, cw!.zone)}: ${versionsText(doc)}.`,
        w.cells,
      );
    }
  }
  if (!closed.length) return false;
  w.waiting = nextOpen
    ? `waiting for the maintenance window of ${nextOpen.cell} (opens ${formatLocal(nextOpen.at, nextOpen.zone)})`
    : `no maintenance window is defined for ${closed.join(", ")}`;
  return true;
}

/** DEPLOYING: bake once every cell reports the new version; roll back when that takes too long. */
function awaitDeploy(t: WaveTick) {
  if (watch(t)) return;
  const { step, doc, i, w, obs, now, cfg, services } = t;
  const lagging = w.cells.filter((c) => services.some((s) => obs.observed[c]?.[s] !== doc.versions[s]));
  if (lagging.length === 0) {
    w.bakeStartedAt = now.toISOString();
    w.bakeEndsAt = new Date(now.getTime() + w.bakeMs / cfg.timeScale).toISOString();
    moveWave(step, i, "BAKING", now, `every cell reports the new version; baking until ${w.bakeEndsAt}`);
    return;
  }
  if (now.getTime() - new Date(w.deployStartedAt!).getTime() > cfg.deployTimeoutMs) {
    startRollback(step, i, now, `deploy timed out: ${lagging.join(", ")} did not report the new version`);
    return;
  }
  w.waiting = `waiting for ${lagging.join(", ")} to report the new version`;
}

/** Where a wave's guard may look back to: the deploy, or a person's resume after a guard pause. */
export function guardStart(w: WaveRun): Date {
  const since = [w.deployStartedAt, w.guardSince].filter((x): x is string => !!x).map((x) => Date.parse(x));
  return new Date(Math.max(...since, 0));
}

const guardOptions = (t: WaveTick, mode: GuardOptions["mode"], since: Date): GuardOptions => ({
  now: t.now,
  since,
  mode,
  timeScale: t.cfg.timeScale,
  thresholds: t.obs.thresholds,
});

/**
 * DEPLOYING and BAKING: the wave's checks over the guard's trailing window, on the cells that
 * already run the new version. A breach rolls the wave back at once (or pauses the release, with
 * `on_breach: pause`). True when it acted.
 */
function watch(t: WaveTick): boolean {
  const { step, doc, i, w, obs, now, services } = t;
  const win = obs.guard;
  if (!win || w.checks.length === 0) return false;
  const cells = w.cells.filter((c) => services.every((s) => obs.observed[c]?.[s] === doc.versions[s]));
  const verdict = cells.length
    ? evaluateGuard(w.checks, cells, win, guardOptions(t, "continuous", guardStart(w)))
    : { state: "not_enough_data" as const, results: [], breach: null };
  w.guard = {
    state: verdict.state,
    lastEvaluatedAt: now.toISOString(),
    window: { from: win.from, to: win.to },
    cells,
    results: verdict.results,
  };
  if (!verdict.breach) return false;
  const action = w.onBreach ?? "rollback";
  w.breach = { ...verdict.breach, at: now.toISOString(), action };
  step.effects.push({ kind: "recordChecks", wave: i, results: verdict.results, from: win.from, to: win.to });
  const what = `guard breach while ${w.state === "DEPLOYING" ? "deploying" : "baking"}: ${breachText(verdict.breach)}`;
  if (action === "rollback") {
    startRollback(step, i, now, what);
    return true;
  }
  doc.pausedFrom = doc.status;
  doc.status = "paused";
  doc.pausedAt = now.toISOString(); // the bake clock stops, as for a person's pause
  step.effects.push({ kind: "transition", wave: i, from: w.state, to: w.state, detail: `${what}; release paused for a human` });
  notify(step, i, "guard_breach", `Wave ${w.name} paused: ${what}. Resume to keep watching, or roll it back.`, w.cells);
  w.waiting = `paused by its guard (${what}); resume to keep watching, or roll back`;
  return true;
}

/** BAKING: validate once the bake time is over. */
function bake(t: WaveTick) {
  if (watch(t)) return;
  const { step, i, w, now } = t;
  if (now >= new Date(w.bakeEndsAt!)) {
    w.validateStartedAt = now.toISOString();
    moveWave(step, i, "VALIDATING", now, "bake complete; evaluating checks");
  } else {
    w.waiting = null;
  }
}

/**
 * VALIDATING: evaluate the checks over the whole bake. Checks on telemetry need enough evidence from
 * every cell: without it the wave waits (for a while), and then fails — it never passes on no data.
 * A failed check rolls the wave back; passing moves on to the next wave, or finishes the release.
 */
function validate(t: WaveTick) {
  const { step, doc, i, w, obs, now, cfg } = t;
  const win = obs.telemetry;
  if (!win) return;
  const verdict = evaluateGuard(w.checks, w.cells, win, guardOptions(t, "final", new Date(w.bakeStartedAt ?? w.since)));
  const results = verdict.results;
  const record = () => {
    w.checkResults = results;
    step.effects.push({ kind: "recordChecks", wave: i, results, from: win.from, to: win.to });
  };
  if (!verdict.breach && verdict.state === "not_enough_data") {
    const silent = w.cells.filter((c) => !win.cells[c] || win.cells[c]!.samples === 0);
    const short = results.filter((r) => r.state === "not_enough_data").map((r) => `${r.check}: ${r.detail}`);
    if (now.getTime() - new Date(w.validateStartedAt!).getTime() > cfg.telemetryTimeoutMs) {
      record();
      startRollback(step, i, now, silent.length ? `no telemetry on the new version from ${silent.join(", ")}` : `${short.join("; ")}`);
    } else {
      w.waiting = silent.length
        ? `waiting for telemetry on the new version from ${silent.join(", ")}`
        : `waiting for enough telemetry on the new version (${short.join("; ")})`;
    }
    return;
  }
  record();
  const failed = results.filter((r) => r.state === "breach");
  if (failed.length) {
    startRollback(step, i, now, `check failed: ${failed.map((f) => `${f.check} (${f.detail})`).join("; ")}`);
    return;
  }
  w.finishedAt = now.toISOString();
  moveWave(step, i, "PASSED", now, `all ${results.length} checks passed`);
  if (i + 1 < doc.waves.length) {
    doc.current = i + 1;
  } else {
    finish(step, "succeeded", `all ${doc.waves.length} waves passed`);
  }
}

/** A ROLLING_BACK wave: ROLLED_BACK once every cell reports its previous versions again (true then), else waiting. */
function rollBackWave(step: Step, i: number, w: WaveRun, obs: Observations, now: Date, services: string[]): boolean {
  const prev = w.previous ?? {};
  const lagging = w.cells.filter((c) => services.some((s) => prev[c]?.[s] != null && obs.observed[c]?.[s] !== prev[c]?.[s]));
  if (lagging.length) {
    w.waiting = `waiting for ${lagging.join(", ")} to report the previous version`;
    return false;
  }
  w.finishedAt = now.toISOString();
  moveWave(step, i, "ROLLED_BACK", now, `previous versions restored on ${w.cells.join(", ")}`);
  notify(step, i, "rollback_done", `Rollback of wave ${w.name} done: ${w.cells.join(", ")} run their previous versions again.`, w.cells);
  return true;
}

/** ROLLING_BACK: once every cell reports its previous versions again, the release ends rolled back. */
function awaitRollback({ step, doc, i, w, obs, now, services }: WaveTick) {
  if (!rollBackWave(step, i, w, obs, now, services)) return;
  for (let k = i + 1; k < doc.waves.length; k++) doc.waves[k]!.state = "SKIPPED";
  finish(step, "rolled_back", w.failure ?? "rolled back");
}

/** The whole release rolling back: each wave ends ROLLED_BACK once its cells report their previous versions. */
function awaitWholeRollback(step: Step, obs: Observations, now: Date) {
  const doc = step.doc;
  const services = Object.keys(doc.versions);
  doc.waves.forEach((w, i) => {
    if (w.state === "ROLLING_BACK") rollBackWave(step, i, w, obs, now, services);
  });
  if (doc.waves.some((w) => w.state === "ROLLING_BACK")) return;
  finish(step, "rolled_back", doc.endReason ?? "rolled back");
}

/** "Roll back the whole release": every wave that kept the new version restores its previous versions. */
function rollbackWhole(step: Step, by: string, reason: string, now: Date) {
  const doc = step.doc;
  if (doc.status !== "rolled_back" && doc.status !== "aborted")
    throw new EngineError("CONFLICT", "only a rolled back or aborted release can be rolled back as a whole");
  const kept = keptWaves(doc);
  if (!kept.length) throw new EngineError("CONFLICT", "no wave kept the new version: there is nothing to roll back");
  const names = kept.map((w) => w.name).join(", ");
  for (const k of kept) {
    const w = doc.waves[k.index]!;
    moveWave(step, k.index, "ROLLING_BACK", now, `whole release rolled back by ${by}: ${reason}`);
    w.waiting = null;
    w.finishedAt = null;
    step.effects.push({ kind: "restoreDesired", wave: k.index, previous: w.previous ?? {} });
  }
  doc.status = "rolling_back";
  const before = doc.endReason ? `${doc.endReason}; then the ` : "";
  doc.endReason = `${before}whole release rolled back by ${by}: ${reason} (${names} had kept ${versionsText(doc)})`;
}

export type Command =
  | { kind: "approve"; wave: number; by: string; comment: string }
  | { kind: "reject"; wave: number; by: string; comment: string }
  | { kind: "pause"; by: string; reason: string }
  | { kind: "resume"; by: string }
  | { kind: "abort"; by: string; reason: string }
  | { kind: "rollback"; by: string; reason: string }
  | { kind: "rollbackRelease"; by: string; reason: string }
  | { kind: "advance"; by: string; reason: string };

/** Resuming a baking wave moves its bake's end by the length of the pause (the clock stood still). */
function resumeBakeClock(step: Step, now: Date) {
  const doc = step.doc;
  const w = doc.waves[doc.current];
  if (!doc.pausedAt || w?.state !== "BAKING" || !w.bakeEndsAt) return;
  const pausedMs = Math.max(0, now.getTime() - new Date(doc.pausedAt).getTime());
  const left = bakeRemainingMs(w, doc, now) ?? 0;
  w.bakeEndsAt = new Date(new Date(w.bakeEndsAt).getTime() + pausedMs).toISOString();
  step.effects.push({
    kind: "transition",
    wave: doc.current,
    from: "BAKING",
    to: "BAKING",
    detail: `resumed after ${formatDuration(pausedMs)} paused; the bake clock stood still, ${formatDuration(left)} left, baking until ${w.bakeEndsAt}`,
  });
}

/** Apply a person's decision. Throws EngineError when it does not apply to the current state. */
export function command(input: ReleaseDoc, cmd: Command, now: Date): Step {
  const step: Step = { doc: clone(input), effects: [] };
  const doc = step.doc;
  const i = doc.current;
  const w = doc.waves[i];
  if (cmd.kind === "rollbackRelease") {
    rollbackWhole(step, cmd.by, cmd.reason, now);
    return step;
  }
  if (doc.status === "rolling_back") throw new EngineError("CONFLICT", "the whole release is rolling back; wait until it has finished");
  if (isTerminal(doc.status))
    throw new EngineError("CONFLICT", `the release has already ${doc.status === "succeeded" ? "finished" : doc.status.replace("_", " ")}`);
  switch (cmd.kind) {
    case "approve":
    case "reject": {
      if (!w || cmd.wave !== i || w.state !== "AWAITING_APPROVAL")
        throw new EngineError("CONFLICT", "this gate is not waiting for a decision (it may have been decided already)");
      const refused = fourEyes(cmd.by, doc.startedBy, RELEASE_GATE);
      if (refused) throw new EngineError("FORBIDDEN", refused);
      w.decision = { decision: cmd.kind, by: cmd.by, at: now.toISOString(), comment: cmd.comment };
      if (cmd.kind === "approve") {
        moveWave(step, i, "PENDING", now, `approved by ${cmd.by}: ${cmd.comment}`);
        doc.status = "running";
      } else {
        moveWave(step, i, "REJECTED", now, `rejected by ${cmd.by}: ${cmd.comment}`);
        for (let k = i + 1; k < doc.waves.length; k++) doc.waves[k]!.state = "SKIPPED";
        finish(step, "aborted", `gate ${w.name} rejected by ${cmd.by}: ${cmd.comment}`);
      }
      return step;
    }
    case "pause":
      if (doc.status === "paused") throw new EngineError("CONFLICT", "the release is already paused");
      doc.pausedFrom = doc.status;
      doc.status = "paused";
      doc.pausedAt = now.toISOString();
      return step;
    case "resume":
      if (doc.status !== "paused") throw new EngineError("CONFLICT", "the release is not paused");
      resumeBakeClock(step, now);
      doc.status = doc.pausedFrom ?? "running";
      doc.pausedFrom = null;
      doc.pausedAt = null;
      // After a guard pause, the guard needs fresh evidence before it can breach again.
      if (w?.breach?.action === "pause" && (w.state === "DEPLOYING" || w.state === "BAKING")) {
        w.guardSince = now.toISOString();
        w.waiting = null;
      }
      return step;
    case "abort":
      for (let k = i + 1; k < doc.waves.length; k++) doc.waves[k]!.state = "SKIPPED";
      finish(step, "aborted", `aborted by ${cmd.by}: ${cmd.reason}`);
      return step;
    case "rollback": {
      if (!w || !["DEPLOYING", "BAKING", "VALIDATING"].includes(w.state))
        throw new EngineError(
          "CONFLICT",
          `wave ${w?.name ?? i} is ${w?.state.toLowerCase() ?? "missing"}; only a deploying, baking or validating wave can be rolled back`,
        );
      if (doc.status === "paused") doc.status = "running";
      startRollback(step, i, now, `rolled back by ${cmd.by}: ${cmd.reason}`);
      return step;
    }
    case "advance": {
      if (w?.state !== "BAKING") throw new EngineError("CONFLICT", "only a baking wave can be advanced");
      w.bakeEndsAt = now.toISOString();
      step.effects.push({
        kind: "transition",
        wave: i,
        from: "BAKING",
        to: "BAKING",
        detail: `bake cut short by ${cmd.by}: ${cmd.reason}`,
      });
      return step;
    }
  }
}
