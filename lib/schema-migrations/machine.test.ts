import { describe, expect, it } from "vitest";
import { canRollback, cellRollback, command, migrationRollback, newRun, start, tick, type Observations, type RunState } from "./machine";
import { etaMs, formatEta, summarize } from "./summary";
import { exampleText, parseTestManifest } from "@/tests/support/yaml-fixtures";

const spec = parseTestManifest(exampleText("migration-manifest.yaml"));
const T0 = new Date("2026-01-01T00:00:00Z");
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const noReleases: Observations = { releases: {} };

/** Plays every running cell's work to completion (what direct mode or an agent would do). */
function finishRunning(s: RunState, phase: string, only?: string[]): RunState {
  const next = structuredClone(s);
  for (const [cell, byPhase] of Object.entries(next.cells))
    if (byPhase[phase]!.status === "running" && (!only || only.includes(cell)))
      Object.assign(byPhase[phase]!, { status: "complete", remaining: phase === "backfill" ? 0 : null });
  return next;
}
const running = (s: RunState, phase: string) => Object.keys(s.cells).filter((c) => s.cells[c]![phase]!.status === "running");

function started(): RunState {
  return start(newRun(spec), "release@x", T0, 1).state;
}

describe("the migration machine, with an injected clock", () => {
  it("expand goes step by step: canary, then waits 1 h, then smb-us-1/2", () => {
    let s = tick(started(), noReleases, T0).state;
    expect(running(s, "expand")).toEqual(["canary-us-internal"]);
    s = tick(finishRunning(s, "expand"), noReleases, at(0.5)).state;
    expect(s.doc.phases[0]!.steps[0]!.state).toBe("waiting");
    expect(tick(s, noReleases, at(1.4)).state.doc.phases[0]!.steps[0]!.state).toBe("waiting");
    s = tick(s, noReleases, at(1.5)).state;
    expect(running(s, "expand")).toEqual(["smb-us-1", "smb-us-2"]);
  });

  it("waits are divided by the run's speed", () => {
    let s = start(newRun(spec), "release@x", T0, 3600).state;
    s = tick(finishRunning(tick(s, noReleases, T0).state, "expand"), noReleases, T0).state;
    expect(s.doc.phases[0]!.steps[0]!.waitUntil).toBe(new Date(T0.getTime() + 1000).toISOString());
  });

  function throughExpandSmb(): RunState {
    let s = tick(started(), noReleases, T0).state;
    for (let k = 1; k <= 6 && s.doc.status === "running"; k++) s = tick(finishRunning(s, "expand"), noReleases, at(60 * k)).state;
    return s;
  }

  it("enterprise expand waits for a four-eyes approval", () => {
    const s = throughExpandSmb();
    expect(s.doc.status).toBe("awaiting_approval");
    expect(s.doc.phases[0]!.step).toBe(3);
    expect(() => command(s, { kind: "approve", phase: 0, step: 3, by: "release@x", comment: "mine" }, at(401))).toThrow(/four-eyes/);
    const ok = command(s, { kind: "approve", phase: 0, step: 3, by: "release2@x", comment: "ok" }, at(401)).state;
    expect(() => command(ok, { kind: "approve", phase: 0, step: 3, by: "release2@x", comment: "again" }, at(401))).toThrow(/not waiting/);
    expect(running(tick(ok, noReleases, at(401)).state, "expand")).toEqual(["enterprise-eu-standard", "enterprise-us-hipaa"]);
  });

  function throughMigrateCode(): RunState {
    let s = command(throughExpandSmb(), { kind: "approve", phase: 0, step: 3, by: "release2@x", comment: "ok" }, at(401)).state;
    s = tick(finishRunning(tick(s, noReleases, at(401)).state, "expand"), noReleases, at(402)).state;
    const step = tick(s, noReleases, at(500));
    expect(step.effects).toContainEqual({
      kind: "startRelease",
      phase: 1,
      version: "v2.5.0",
      pipeline: "standard",
      service: "sms",
      cells: spec.cells,
    });
    s = step.state;
    s.doc.phases[1]!.releaseId = "rel-1";
    s = tick(s, { releases: { "rel-1": { status: "running", passedCells: ["canary-us-internal"] } } }, at(501)).state;
    expect(s.cells["canary-us-internal"]!["migrate-code"]!.status).toBe("complete");
    expect(s.cells["smb-us-1"]!["migrate-code"]!.status).toBe("running");
    return tick(s, { releases: { "rel-1": { status: "succeeded", passedCells: [] } } }, at(502)).state;
  }

  it("a deployment phase completes when its release succeeds", () => {
    const s = throughMigrateCode();
    expect(s.doc.current).toBe(2);
    expect(s.doc.phases[1]!.status).toBe("complete");
  });

  it("a rolled-back release fails the phase and the migration", () => {
    let s = command(throughExpandSmb(), { kind: "approve", phase: 0, step: 3, by: "release2@x", comment: "ok" }, at(401)).state;
    s = tick(finishRunning(tick(s, noReleases, at(401)).state, "expand"), noReleases, at(402)).state;
    s = tick(s, noReleases, at(500)).state;
    s.doc.phases[1]!.releaseId = "rel-1";
    s = tick(s, { releases: { "rel-1": { status: "rolled_back", passedCells: [] } } }, at(501)).state;
    expect(s.doc.status).toBe("failed");
    expect(s.doc.endReason).toMatch(/rel-1 of sms v2.5.0 was rolled back/);
  });

  it("never more than parallel_cells cells backfill at once", () => {
    let s = tick(throughMigrateCode(), noReleases, at(503)).state;
    expect(running(s, "backfill")).toEqual(["canary-us-internal", "smb-eu-1", "smb-eu-2"]);
    s = tick(s, noReleases, at(504)).state;
    expect(running(s, "backfill")).toHaveLength(3);
    s = tick(finishRunning(s, "backfill", ["smb-eu-1"]), noReleases, at(505)).state;
    expect(running(s, "backfill")).toEqual(["canary-us-internal", "smb-eu-2", "smb-us-1"]);
    for (let k = 0; k < 5; k++) {
      s = tick(finishRunning(s, "backfill"), noReleases, at(506 + k)).state;
      expect(running(s, "backfill").length).toBeLessThanOrEqual(3);
    }
    expect(s.doc.current).toBe(3);
  });

  it("canRollback flips when the first cell starts contract; the enterprise contract needs the typed id", () => {
    let s = tick(throughMigrateCode(), noReleases, at(503)).state;
    for (let k = 0; k < 4; k++) s = tick(finishRunning(s, "backfill"), noReleases, at(510 + k)).state;
    s = tick(s, noReleases, at(520)).state;
    s.doc.phases[3]!.releaseId = "rel-2";
    s = tick(s, { releases: { "rel-2": { status: "running", passedCells: [] } } }, at(521)).state;
    expect(s.doc.canRollback).toBe(true);
    expect(migrationRollback(s).allowed).toBe(true);
    s = tick(s, { releases: { "rel-2": { status: "succeeded", passedCells: [] } } }, at(522)).state;
    expect(s.doc.current).toBe(4);
    expect(running(s, "contract")).toEqual(["canary-us-internal"]);
    expect(s.doc.canRollback).toBe(false);
    expect(canRollback(s)).toBe(false);
    expect(migrationRollback(s)).toMatchObject({ allowed: false, reason: expect.stringMatching(/point of no return/) });
    expect(cellRollback(s, "canary-us-internal")).toMatchObject({ allowed: false, reason: expect.stringMatching(/cannot be undone/) });
    expect(() => command(s, { kind: "rollback", by: "sre", reason: "x" }, at(522))).toThrow(/point of no return/);
    for (let k = 1; k <= 6 && s.doc.status === "running"; k++) s = tick(finishRunning(s, "contract"), noReleases, at(522 + 50 * k)).state;
    expect(s.doc.status).toBe("awaiting_approval");
    const gate = s.doc.phases[4]!.steps[2]!;
    expect(gate.confirmRequired).toBe(true);
    expect(() => command(s, { kind: "approve", phase: 4, step: 2, by: "release2@x", comment: "go", confirm: "wrong" }, at(801))).toThrow(
      /type the migration id "2025-01-15-recipient-id-column"/,
    );
    s = command(
      s,
      { kind: "approve", phase: 4, step: 2, by: "release2@x", comment: "go", confirm: "2025-01-15-recipient-id-column" },
      at(801),
    ).state;
    s = tick(finishRunning(tick(s, noReleases, at(801)).state, "contract"), noReleases, at(802)).state;
    // The enterprise contract keeps its 168 h bake.
    expect(tick(s, noReleases, at(802 + 167)).state.doc.status).toBe("running");
    const done = tick(s, noReleases, at(802 + 168)).state;
    expect(done.doc.status).toBe("succeeded");
    expect(summarize(done, at(1000)).line).toMatch(/^█{20} 100% complete \(40\/40 cell-phases\)/);
  });

  it("rollback walks back: stop backfill, roll back the code release, drop the new column", () => {
    let s = tick(throughMigrateCode(), noReleases, at(503)).state;
    expect(cellRollback(s, "smb-eu-1")).toMatchObject({ allowed: true, action: "stop_backfill" });
    expect(cellRollback(s, "smb-us-3")).toMatchObject({ allowed: false, reason: expect.stringMatching(/roll back the whole migration/) });
    s = command(s, { kind: "rollback", by: "sre", reason: "bad data" }, at(504)).state;
    let step = tick(s, { releases: { "rel-1": { status: "succeeded", passedCells: [] } } }, at(504));
    expect(running(step.state, "backfill")).toEqual([]);
    expect(step.state.cells["smb-eu-1"]!.backfill!.status).toBe("stopped");
    expect(step.effects).toContainEqual(expect.objectContaining({ kind: "rollbackRelease", releaseId: "rel-1" }));
    s = step.state;
    s.doc.phases[1]!.rollbackReleaseId = "rel-rb";
    step = tick(
      s,
      { releases: { "rel-1": { status: "succeeded", passedCells: [] }, "rel-rb": { status: "succeeded", passedCells: [] } } },
      at(505),
    );
    expect(Object.values(step.state.cells).every((c) => c.expand!.status === "rolling_back")).toBe(true);
    s = structuredClone(step.state);
    for (const c of Object.values(s.cells)) c.expand!.status = "rolled_back";
    s = tick(s, noReleases, at(506)).state;
    expect(s.doc.status).toBe("rolled_back");
  });

  it("before code ships, one cell's expand can be undone on its own", () => {
    const s = tick(started(), noReleases, T0).state;
    const done = finishRunning(s, "expand");
    expect(cellRollback(done, "canary-us-internal")).toMatchObject({ allowed: true, action: "revert_schema" });
    expect(
      command(done, { kind: "rollbackCell", cell: "canary-us-internal", by: "sre", reason: "x" }, T0).state.cells["canary-us-internal"]!
        .expand!.status,
    ).toBe("rolling_back");
  });

  it("a failed canary stops the steps after it (nothing else can run); retry restarts it", () => {
    let s = tick(started(), noReleases, T0).state;
    s.cells["canary-us-internal"]!.expand = { ...s.cells["canary-us-internal"]!.expand!, status: "failed", error: "lock timeout" };
    s = tick(s, noReleases, T0).state;
    expect(s.doc.status).toBe("failed");
    expect(s.doc.endReason).toBe("stopped: canary-us-internal failed in expand (lock timeout) — retry or roll back");
    s = tick(command(s, { kind: "retry", by: "release@x" }, T0).state, noReleases, T0).state;
    expect(running(s, "expand")).toEqual(["canary-us-internal"]);
  });
});

describe("ETA and the summary line", () => {
  it.each([
    [0, 100_000, 500, 200_000],
    [50_000, 100_000, 1000, 50_000],
    [10, 10, 5, 0],
    [0, null, 5, null],
    [0, 100, 0, null],
  ])("etaMs(%i, %s, %s) = %s", (done, total, rate, want) => {
    expect(etaMs(done, total, rate)).toBe(want);
  });
  it.each([
    [500, "1 s"],
    [45_000, "45 s"],
    [150_000, "3 min"],
    [3_600_000, "1 h"],
    [7_500_000, "2 h 5 min"],
  ])("formatEta(%i) = %s", (ms, want) => {
    expect(formatEta(ms)).toBe(want);
  });

  it("reads like the seed's dashboard while backfilling: one unit for the percentage and the count", () => {
    const s = start(newRun(spec), "release@x", T0, 1).state;
    for (const c of Object.keys(s.cells)) {
      s.cells[c]!.expand!.status = "complete";
      s.cells[c]!["migrate-code"]!.status = "complete";
    }
    for (const st of s.doc.phases[0]!.steps) st.state = "done";
    s.cells["smb-eu-1"]!.backfill = {
      status: "running",
      rowsDone: 42_000,
      rowsTotal: 100_000,
      rate: 350,
      checkpoint: "42000",
      error: null,
    };
    s.cells["canary-us-internal"]!.backfill = { ...s.cells["canary-us-internal"]!.backfill!, status: "complete", remaining: 0 };
    const sum = summarize(s, T0);
    // 8 cells × 2 phases done + canary's verified backfill = 17 of 8 × 5 cell-phases.
    expect(sum.line).toBe(
      "████████░░░░░░░░░░░░ 42% complete (17/40 cell-phases) · Current: Backfilling smb-eu-1 (42% of rows, ETA 3 min) · Next: smb-eu-2 (waiting for smb-eu-1)",
    );
    expect(sum).toMatchObject({ percent: 42, stepsDone: 17, stepsTotal: 40, cellsDone: 0 });
  });
});
