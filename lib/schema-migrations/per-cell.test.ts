// The per-cell migration machine: each cell advances through the phases on its own, as soon as its
// own previous phase is done and the phase's rollout step allows it; a failed cell stops only itself
// (and the steps after its own in that phase); a cell's contract waits until its backfill is verified.
import { describe, expect, it } from "vitest";
import { type CellPhase, command, type Command, newRun, type Observations, type RunState, start, tick } from "./machine";
import { summarize } from "./summary";
import {
  backfillPhase,
  canarySmbEnterprise,
  contractPhase,
  exampleText,
  expandPhase,
  migrationYaml,
  parseTestManifest,
} from "@/tests/support/yaml-fixtures";

/** expand → backfill → contract, no code deployment in between: nothing global but the steps. */
const SCHEMA_ONLY = parseTestManifest(
  migrationYaml("per-cell", [expandPhase(canarySmbEnterprise("1h")), backfillPhase(2), contractPhase(canarySmbEnterprise("1h"))]),
);
const SEED = parseTestManifest(exampleText("migration-manifest.yaml"));

const CANARY = "canary-us-internal";
const SMB = ["smb-eu-1", "smb-eu-2", "smb-us-1", "smb-us-2", "smb-us-3"];
const ENTERPRISE = ["enterprise-eu-standard", "enterprise-us-hipaa"];
const ALL = [CANARY, ...SMB, ...ENTERPRISE];
const ID = "per-cell";

const T0 = new Date("2026-01-01T00:00:00Z");
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const none: Observations = { releases: {} };

const cp = (s: RunState, cell: string, phase: string) => s.cells[cell]![phase]! as CellPhase & Record<string, unknown>;
const statusOf = (s: RunState, cell: string, phase: string) => cp(s, cell, phase).status;
const running = (s: RunState, phase: string) => ALL.filter((c) => statusOf(s, c, phase) === "running");

/** What direct mode or an agent does: the running cells of a phase finish (a backfill verified: 0 rows left). */
function finish(s: RunState, phase: string, only?: string[], remaining = 0): RunState {
  const next = structuredClone(s);
  for (const c of ALL) {
    const x = cp(next, c, phase);
    if (x.status !== "running" || (only && !only.includes(c))) continue;
    x.status = "complete";
    if (phase === "backfill") Object.assign(x, { rowsDone: 100, rowsTotal: 100, remaining, verifiedAt: T0.toISOString() });
  }
  return next;
}

function fail(s: RunState, cell: string, phase: string, error: string): RunState {
  const next = structuredClone(s);
  Object.assign(cp(next, cell, phase), { status: "failed", error });
  return next;
}

const approve = (s: RunState, phase: number, step: number, when: Date, confirm?: string) =>
  command(s, { kind: "approve", phase, step, by: "release2@x", comment: "ok", confirm }, when).state;

/** Tick (with fresh observations) until nothing changes, finishing the work the cells would do. */
function settle(s: RunState, when: Date, obs: Observations = none, work: string[] = ["expand", "backfill", "contract"]): RunState {
  let cur = s;
  for (let k = 0; k < 50; k++) {
    const next = tick(cur, obs, when).state;
    let done = next;
    for (const p of work) done = finish(done, p);
    if (JSON.stringify(done) === JSON.stringify(cur)) return cur;
    cur = done;
  }
  return cur;
}

describe("per-cell progress", () => {
  it("a cell moves on as soon as its own previous phase is done (and its step's wait is over): canary contracts while smb cells still expand", () => {
    let s = tick(start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state, none, T0).state;
    expect(running(s, "expand")).toEqual([CANARY]);
    // Canary's expand is done; its step bakes for an hour before canary (or anyone) moves on.
    s = tick(finish(s, "expand"), none, at(0.1)).state;
    expect(running(s, "backfill")).toEqual([]);
    // The hour is up: canary backfills while the smb cells expand.
    s = tick(s, none, at(1.1)).state;
    expect(running(s, "backfill")).toEqual([CANARY]);
    expect(running(s, "expand")).toEqual(SMB);
    // Its backfill is verified: its contract starts (the contract's first step is canary's).
    s = tick(finish(s, "backfill"), none, at(1.2)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("running");
    expect(running(s, "expand")).toEqual(SMB);
    expect(s.doc.canRollback).toBe(false);
    // The smb cells done with expand wait for their step's hour, then backfill two at a time.
    s = tick(finish(s, "expand"), none, at(1.3)).state;
    expect(running(s, "backfill")).toEqual([]);
    s = tick(s, none, at(2.4)).state;
    expect(running(s, "backfill")).toEqual(["smb-eu-1", "smb-eu-2"]);
    expect(statusOf(s, CANARY, "contract")).toBe("running");
  });

  it("a cell's contract never starts until its backfill is verified", () => {
    let s = tick(start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state, none, T0).state;
    s = tick(tick(finish(s, "expand"), none, at(0.1)).state, none, at(1.1)).state;
    expect(running(s, "backfill")).toEqual([CANARY]);
    // The backfill finished, but nobody has verified it yet.
    const walked = structuredClone(s);
    Object.assign(cp(walked, CANARY, "backfill"), { status: "complete", rowsDone: 100, rowsTotal: 100, remaining: null });
    s = tick(walked, none, at(1.2)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("pending");
    // Verified with rows still to do: still no contract.
    Object.assign(cp(s, CANARY, "backfill"), { remaining: 12 });
    s = tick(s, none, at(1.3)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("pending");
    expect(summarize(s, at(1.3)).line).toContain("12 rows still to backfill");
    // Verified complete: the contract starts.
    Object.assign(cp(s, CANARY, "backfill"), { remaining: 0 });
    s = tick(s, none, at(1.4)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("running");
  });

  it("a failed cell stops only itself: the others finish through contract, the failed one stays expanded until retried", () => {
    let s = start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state;
    s = settle(s, at(0), none, ["expand"]);
    s = settle(s, at(2), none, ["expand"]);
    s = settle(s, at(4), none, ["expand"]);
    expect(s.doc.status).toBe("awaiting_approval");
    s = settle(approve(s, 0, 2, at(5)), at(5), none, ["expand"]);
    expect(ALL.every((c) => statusOf(s, c, "expand") === "complete")).toBe(true);
    // smb-us-2's backfill fails on its own database.
    s = tick(s, none, at(6)).state;
    const backfilling = running(s, "backfill");
    expect(backfilling).toHaveLength(2);
    s = fail(s, backfilling[1]!, "backfill", "violates check constraint");
    const failed = backfilling[1]!;
    // Everyone else goes on: backfill (the failed cell's slot is free), contract step by step.
    for (let h = 6; h < 12; h++) s = settle(s, at(h));
    expect(s.doc.status).toBe("awaiting_approval"); // the enterprise contract step, not held up by the failed cell
    s = settle(approve(s, 2, 2, at(12), ID), at(12));
    for (const c of ALL.filter((x) => x !== failed)) expect(statusOf(s, c, "contract"), c).toBe("complete");
    expect(statusOf(s, failed, "expand")).toBe("complete");
    expect(statusOf(s, failed, "backfill")).toBe("failed");
    expect(statusOf(s, failed, "contract")).toBe("pending");
    expect(s.doc.status).toBe("failed"); // nothing else can happen without a person
    expect(summarize(s, at(12)).line).toContain(failed);
    // Retried: it backfills, and contracts on its own (its step was passed long ago).
    s = tick(command(s, { kind: "retry", by: "release@x", cell: failed } as Command, at(13)).state, none, at(13)).state;
    expect(statusOf(s, failed, "backfill")).toBe("running");
    s = settle(s, at(13));
    expect(statusOf(s, failed, "contract")).toBe("complete");
    expect(s.doc.status).toBe("succeeded");
  });

  it("a failed cell in a rollout step holds the steps after it (the manifest's order), not the cells before", () => {
    let s = tick(start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state, none, T0).state;
    s = tick(fail(s, CANARY, "expand", "lock timeout"), none, at(2)).state;
    expect(running(s, "expand")).toEqual([]);
    expect(s.doc.status).toBe("failed");
    s = tick(command(s, { kind: "retry", by: "release@x", cell: CANARY } as Command, at(3)).state, none, at(3)).state;
    expect(running(s, "expand")).toEqual([CANARY]);
    expect(s.doc.status).toBe("running");
  });

  it("deployment phases are fleet releases: a cell enters backfill once the release reached it; a held cell catches up with a release of its own", () => {
    let s = start(newRun(SEED), "release@x", T0, 1).state;
    for (const h of [0, 2, 6, 40]) s = settle(s, at(h), none, ["expand"]);
    s = settle(approve(s, 0, 3, at(100)), at(100), none, ["expand"]);
    // Every cell expanded and the enterprise step's 48 h are over: migrate-code starts one release for all of them.
    expect(tick(s, none, at(147)).effects.filter((e) => e.kind === "startRelease")).toEqual([]);
    let step = tick(s, none, at(149));
    const rel1 = step.effects.find((e) => e.kind === "startRelease") as { cells?: string[]; version: string } | undefined;
    expect(rel1).toMatchObject({ version: "v2.5.0", cells: ALL });
    s = step.state;
    s.doc.phases[1]!.releaseId = "rel-1";
    Object.assign(s.doc.phases[1]!, { releases: [{ id: "rel-1", cells: ALL }] });
    // The release passed canary's wave: canary backfills while smb cells still deploy.
    s = tick(s, { releases: { "rel-1": { status: "running", passedCells: [CANARY] } } }, at(102)).state;
    expect(running(s, "backfill")).toEqual([CANARY]);
    expect(statusOf(s, "smb-us-1", "migrate-code")).toBe("running");
    // Released everywhere; smb-us-3's backfill fails, the others are verified.
    const done1 = { releases: { "rel-1": { status: "succeeded" as const, passedCells: ALL } } };
    s = tick(finish(s, "backfill"), done1, at(103)).state;
    for (let k = 0; k < 8 && running(s, "backfill").length; k++) {
      if (running(s, "backfill").includes("smb-us-3")) s = fail(s, "smb-us-3", "backfill", "constraint");
      s = tick(finish(s, "backfill"), done1, at(104 + k)).state;
    }
    // migrate-code-readonly is one release for every cell able to take it: not smb-us-3.
    step = tick(s, done1, at(120));
    const rel2 = step.effects.find((e) => e.kind === "startRelease") as { cells?: string[]; version: string } | undefined;
    expect(rel2).toMatchObject({ version: "v2.6.0", cells: ALL.filter((c) => c !== "smb-us-3") });
    s = step.state;
    s.doc.phases[3]!.releaseId = "rel-2";
    Object.assign(s.doc.phases[3]!, { releases: [{ id: "rel-2", cells: ALL.filter((c) => c !== "smb-us-3") }] });
    const done2 = { releases: { ...done1.releases, "rel-2": { status: "succeeded" as const, passedCells: [] } } };
    s = tick(s, done2, at(121)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("running");
    expect(statusOf(s, "smb-us-3", "migrate-code-readonly")).toBe("pending");
    // Retried, verified: smb-us-3 gets v2.6.0 in a release of its own, then contracts.
    s = command(s, { kind: "retry", by: "release@x", cell: "smb-us-3" } as Command, at(122)).state;
    s = tick(finish(tick(s, done2, at(122)).state, "backfill"), done2, at(123)).state;
    step = tick(s, done2, at(124));
    const rel3 = step.effects.find((e) => e.kind === "startRelease") as { cells?: string[] } | undefined;
    expect(rel3).toMatchObject({ cells: ["smb-us-3"] });
  });

  it("a backfill does not start on a red cell and pauses on a cell that turns red; both say so", () => {
    const red = (cells: string[]) => ({ releases: {}, health: Object.fromEntries(cells.map((c) => [c, "red"])) }) as Observations;
    let s = start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state;
    for (const h of [0, 2, 4]) s = settle(s, at(h), red([CANARY]), ["expand"]);
    s = settle(approve(s, 0, 2, at(5)), at(5), red([CANARY]), ["expand"]);
    s = tick(s, red([CANARY]), at(6)).state;
    expect(statusOf(s, CANARY, "backfill")).toBe("pending");
    expect(running(s, "backfill")).toEqual(["smb-eu-1", "smb-eu-2"]);
    s = tick(s, red(["smb-eu-1"]), at(6.1)).state;
    expect(cp(s, "smb-eu-1", "backfill").held).toMatch(/red/);
    expect(cp(s, "smb-eu-2", "backfill").held ?? null).toBeNull();
    expect(summarize(s, at(6.1)).line).toMatch(/smb-eu-1[^·]*paused/);
    s = tick(s, none, at(6.2)).state;
    expect(cp(s, "smb-eu-1", "backfill").held ?? null).toBeNull();
  });

  it("a cell whose schema drifted is held before its next phase", () => {
    let s = tick(start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state, none, T0).state;
    const drift = { releases: {}, drift: { [CANARY]: "recipient_id missing from messages (expand applied)" } } as Observations;
    s = tick(tick(finish(s, "expand"), drift, at(0.1)).state, drift, at(1.1)).state;
    expect(statusOf(s, CANARY, "backfill")).toBe("pending");
    expect(summarize(s, at(1.1)).line).toContain("recipient_id missing");
    s = tick(s, none, at(1.2)).state;
    expect(statusOf(s, CANARY, "backfill")).toBe("running");
  });

  it("the summary's percentage and count are one unit: cell × phase steps", () => {
    let s = tick(start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state, none, T0).state;
    s = tick(tick(finish(s, "expand"), none, at(0.1)).state, none, at(1.1)).state;
    const sum = summarize(s, at(1.1));
    const m = /(\d+)% complete \((\d+)\/(\d+) cell-phases\)/.exec(sum.line);
    expect(m, sum.line).not.toBeNull();
    expect(Number(m![2])).toBe(1);
    expect(Number(m![3])).toBe(ALL.length * 3);
    expect(Number(m![1])).toBe(Math.floor((100 * 1) / (ALL.length * 3)));
    expect(sum.line).toContain("Current: Backfilling canary-us-internal");
  });
});

describe("a fleet freeze", () => {
  const frozen: Observations = { releases: {}, freeze: { startsAt: at(-1), endsAt: at(48), reason: "Black Friday" } };

  it("holds every cell before a new phase or rollout step; running work goes on; the run goes on after it", () => {
    // Frozen before the run starts: its first step does not open.
    let s = tick(start(newRun(SCHEMA_ONLY), "release@x", T0, 1).state, frozen, T0).state;
    expect(running(s, "expand")).toEqual([]);
    expect(s.doc.phases[0]!.waiting).toBe("step 1 of 3 waits: fleet freeze until 2026-01-03 00:00 UTC: Black Friday");
    expect(s.doc.status).toBe("running");
    // The freeze is over: the step opens.
    s = tick(s, none, at(0.1)).state;
    expect(running(s, "expand")).toEqual([CANARY]);
    expect(s.doc.phases[0]!.waiting).toBeNull();
    // Canary's expand is done and its hour is up; the smb step and canary's backfill would start, but a freeze began.
    s = tick(finish(s, "expand"), none, at(0.2)).state;
    s = tick(s, frozen, at(1.3)).state;
    expect(running(s, "expand")).toEqual([]);
    expect(running(s, "backfill")).toEqual([]);
    expect(s.doc.phases[0]!.waiting).toContain("step 2 of 3 waits: fleet freeze until");
    // Once the freeze is over, both start.
    s = tick(s, none, at(1.4)).state;
    expect(running(s, "expand")).toEqual(SMB);
    expect(running(s, "backfill")).toEqual([CANARY]);
    // A backfill already running keeps running through a freeze; the contract does not start after it.
    s = tick(s, frozen, at(1.5)).state;
    expect(running(s, "backfill")).toEqual([CANARY]);
    s = tick(finish(s, "backfill"), frozen, at(1.6)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("pending");
    expect(s.doc.canRollback).toBe(true);
    s = tick(s, none, at(1.7)).state;
    expect(statusOf(s, CANARY, "contract")).toBe("running");
  });
});
