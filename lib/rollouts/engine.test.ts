import { describe, expect, it } from "vitest";
import {
  bakeRemainingMs,
  command,
  keptWaves,
  DEFAULT_ENGINE_CONFIG,
  guardStart,
  newRelease,
  tick,
  type Observations,
  type ReleaseDoc,
  type WavePlan,
  type WaveTelemetry,
} from "./engine";
import { wavePlan } from "./test-fixtures";

const H = 3600_000;
const t0 = new Date("2026-11-26T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const cfg = { ...DEFAULT_ENGINE_CONFIG };

const wave = (name: string, cells: string[], o: Partial<WavePlan> = {}) =>
  wavePlan(name, cells, {
    bakeMs: 45 * 60_000,
    checks: [
      { kind: "error_rate", max: 0.001, source: "error_rate < 0.1%" },
      { kind: "latency", maxP99Ms: 500, source: "p99_latency < 500ms" },
    ],
    ...o,
  });

const PLAN = [
  wave("canary", ["canary-1"]),
  wave("smb-1", ["smb-1", "smb-2"], { bakeMs: 4 * H }),
  wave("ent · e-1", ["e-1"], { group: "enterprise", bakeMs: 24 * H, requiresApproval: true, notify: "slack://enterprise-releases" }),
];

/** A small world: observed versions follow desired ones when `converge` is called. */
function world(doc: ReleaseDoc) {
  const cells = [...new Set(doc.waves.flatMap((w) => w.cells))];
  const desired: Observations["desired"] = Object.fromEntries(cells.map((c) => [c, { sms: "v1" }]));
  const observed: Observations["observed"] = Object.fromEntries(cells.map((c) => [c, { sms: "v1" }]));
  return {
    desired,
    observed,
    obs(o: Partial<Observations> = {}): Observations {
      return {
        observed: structuredClone(observed),
        desired: structuredClone(desired),
        freezes: [],
        windows: {},
        thresholds: { errorRate: 0.001, p99Ms: 500 },
        ...o,
      };
    },
    apply(effects: ReturnType<typeof tick>["effects"]) {
      for (const e of effects) {
        if (e.kind === "setDesired") for (const c of e.cells) desired[c] = { ...e.versions };
        if (e.kind === "restoreDesired") for (const [c, v] of Object.entries(e.previous)) desired[c] = v as Record<string, string>;
      }
    },
    converge() {
      for (const c of cells) observed[c] = { ...desired[c]! };
    },
  };
}

/** PLAN's canary wave alone, deployed and converged at t0: its bake has begun. */
function canaryBaking(config = cfg) {
  const doc = newRelease([PLAN[0]!], { sms: "v2" }, "a", t0);
  const w = world(doc);
  const deploying = tick(doc, w.obs(), t0, config);
  w.apply(deploying.effects);
  w.converge();
  return { w, s: tick(deploying.doc, w.obs(), t0, config) };
}

/** A reading of `requests` requests with that error rate and p99, over 10 samples. */
const reading = (errorRate: number, p99Ms: number, requests = 5000) => ({ samples: 10, requests, errors: errorRate * requests, p99Ms });

const good = (cells: string[]): WaveTelemetry => ({
  from: t0.toISOString(),
  to: t0.toISOString(),
  cells: Object.fromEntries(cells.map((c) => [c, reading(0.0002, 180)])),
  baseline: null,
  alerts: [],
});

describe("release engine with an injected clock", () => {
  it("runs canary → SMB → approval gate → enterprise; a 24 h bake passes in milliseconds", () => {
    let doc = newRelease(PLAN, { sms: "v2" }, "riley@x", t0);
    const w = world(doc);
    let s = tick(doc, w.obs(), t0, cfg);
    expect(s.doc.waves[0]!.state).toBe("DEPLOYING");
    expect(s.effects).toContainEqual({ kind: "setDesired", wave: 0, cells: ["canary-1"], versions: { sms: "v2" } });
    w.apply(s.effects);
    doc = s.doc;

    // Not converged yet: waits, says why.
    s = tick(doc, w.obs(), at(60_000), cfg);
    expect(s.doc.waves[0]!.waiting).toBe("waiting for canary-1 to report the new version");
    w.converge();
    s = tick(s.doc, w.obs(), at(120_000), cfg);
    expect(s.doc.waves[0]!.state).toBe("BAKING");
    expect(s.doc.waves[0]!.bakeEndsAt).toBe(at(120_000 + 45 * 60_000).toISOString());
    doc = s.doc;
    expect(tick(doc, w.obs(), at(120_000 + 45 * 60_000 - 1), cfg).doc.waves[0]!.state).toBe("BAKING");
    s = tick(doc, w.obs(), at(120_000 + 45 * 60_000), cfg);
    expect(s.doc.waves[0]!.state).toBe("VALIDATING");
    s = tick(s.doc, w.obs({ telemetry: good(["canary-1"]) }), at(H), cfg);
    expect(s.doc.waves[0]!.state).toBe("PASSED");
    expect(s.doc.waves[0]!.checkResults!.map((r) => r.passed)).toEqual([true, true]);
    // The next wave starts deploying in the same pass.
    expect(s.doc.current).toBe(1);
    expect(s.doc.waves[1]!.state).toBe("DEPLOYING");
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), at(2 * H), cfg);
    s = tick(s.doc, w.obs(), at(6 * H), cfg);
    s = tick(s.doc, w.obs({ telemetry: good(["smb-1", "smb-2"]) }), at(6 * H), cfg);
    expect(s.doc.waves[1]!.state).toBe("PASSED");
    // Enterprise waits at the gate and notifies the channel.
    expect(s.doc.waves[2]!.state).toBe("AWAITING_APPROVAL");
    expect(s.doc.status).toBe("awaiting_approval");
    expect(s.effects).toContainEqual(
      expect.objectContaining({ kind: "notify", event: "gate_waiting", target: "slack://enterprise-releases" }),
    );
    // Four-eyes: the starter cannot approve.
    expect(() => command(s.doc, { kind: "approve", wave: 2, by: "riley@x", comment: "ok" }, at(7 * H))).toThrow(/four-eyes/);
    const approved = command(s.doc, { kind: "approve", wave: 2, by: "robin@x", comment: "CAB approved" }, at(7 * H));
    expect(approved.doc.waves[2]!.decision).toMatchObject({ decision: "approve", by: "robin@x", comment: "CAB approved" });
    s = tick(approved.doc, w.obs(), at(7 * H), cfg);
    expect(s.doc.waves[2]!.state).toBe("DEPLOYING");
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), at(8 * H), cfg);
    expect(s.doc.waves[2]!.bakeEndsAt).toBe(at(32 * H).toISOString());
    s = tick(s.doc, w.obs(), at(32 * H), cfg);
    s = tick(s.doc, w.obs({ telemetry: good(["e-1"]) }), at(32 * H), cfg);
    expect(s.doc.status).toBe("succeeded");
    expect(s.effects).toContainEqual(expect.objectContaining({ kind: "notify", event: "release_finished" }));
  });

  it("a failing check rolls back only that wave's cells; passed waves keep the new version; later waves never start", () => {
    const doc = newRelease(PLAN, { sms: "v2" }, "riley@x", t0);
    const w = world(doc);
    let s = tick(doc, w.obs(), t0, cfg);
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), at(1000), cfg);
    s = tick(s.doc, w.obs(), at(H), cfg);
    s = tick(s.doc, w.obs({ telemetry: good(["canary-1"]) }), at(H), cfg);
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), at(H + 1000), cfg);
    s = tick(s.doc, w.obs(), at(6 * H), cfg);
    const bad: WaveTelemetry = {
      ...good(["smb-1", "smb-2"]),
      cells: { "smb-1": reading(0.0002, 150), "smb-2": reading(0.042, 210) },
    };
    s = tick(s.doc, w.obs({ telemetry: bad }), at(6 * H), cfg);
    expect(s.doc.waves[1]!.state).toBe("ROLLING_BACK");
    expect(s.doc.waves[1]!.failure).toMatch(/error_rate < 0.1% \(worst cell smb-2: 4.200% vs < 0.100%\)/);
    const restore = s.effects.find((e) => e.kind === "restoreDesired");
    expect(restore).toEqual({ kind: "restoreDesired", wave: 1, previous: { "smb-1": { sms: "v1" }, "smb-2": { sms: "v1" } } });
    const checks = s.effects.find((e) => e.kind === "recordChecks");
    expect(checks && checks.kind === "recordChecks" && checks.results[0]).toMatchObject({
      passed: false,
      measured: 0.042,
      threshold: 0.001,
    });
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), at(6 * H + 1000), cfg);
    expect(s.doc.waves.map((x) => x.state)).toEqual(["PASSED", "ROLLED_BACK", "SKIPPED"]);
    expect(s.doc.status).toBe("rolled_back");
    expect(w.desired["canary-1"]).toEqual({ sms: "v2" }); // the passed canary keeps the new version
    expect(w.desired["e-1"]).toEqual({ sms: "v1" }); // never touched
  });

  it("a deploy that never converges fails after the timeout and rolls back", () => {
    const doc = newRelease([PLAN[0]!], { sms: "v2" }, "a", t0);
    const w = world(doc);
    let s = tick(doc, w.obs(), t0, cfg);
    s = tick(s.doc, w.obs(), at(cfg.deployTimeoutMs), cfg);
    expect(s.doc.waves[0]!.state).toBe("DEPLOYING");
    s = tick(s.doc, w.obs(), at(cfg.deployTimeoutMs + 1), cfg);
    // The cell never left the old version, so the rollback completes in the same pass.
    expect(s.effects.map((e) => e.kind === "transition" && e.to)).toEqual(
      expect.arrayContaining(["FAILED", "ROLLING_BACK", "ROLLED_BACK"]),
    );
    expect(s.doc.waves[0]!.failure).toMatch(/deploy timed out: canary-1/);
    expect(s.doc.status).toBe("rolled_back");
  });

  it("the time scale compresses bakes (60 = a minute per second)", () => {
    const { s } = canaryBaking({ ...cfg, timeScale: 60 });
    expect(s.doc.waves[0]!.bakeEndsAt).toBe(at(45_000).toISOString());
  });

  it("a freeze holds a wave before deploying and lets it go after", () => {
    const doc = newRelease([PLAN[0]!], { sms: "v2" }, "a", t0);
    const w = world(doc);
    const freezes = [{ startsAt: at(-H), endsAt: at(H), reason: "Black Friday" }];
    let s = tick(doc, w.obs({ freezes }), t0, cfg);
    expect(s.doc.waves[0]!.state).toBe("PENDING");
    expect(s.doc.waves[0]!.waiting).toMatch(/fleet freeze until .*Black Friday/);
    expect(s.effects.filter((e) => e.kind === "setDesired")).toEqual([]);
    s = tick(s.doc, w.obs({ freezes }), at(H), cfg);
    expect(s.doc.waves[0]!.state).toBe("DEPLOYING");
  });

  it("maintenance windows: waits for the cell's window in its time zone and sends one customer notice in the lead time", () => {
    // Tuesday 02:00–04:00 in New York; now is Monday 2026-11-23 09:00 UTC (04:00 New York).
    const monday = new Date("2026-11-23T09:00:00Z");
    const doc = newRelease([wave("ent", ["e-1"], { maintenanceWindow: true })], { sms: "v2" }, "a", monday);
    const w = world(doc);
    const windows = { "e-1": { zone: "America/New_York", windows: [{ weekday: 2, startMinute: 120, durationMin: 120 }] } };
    let s = tick(doc, w.obs({ windows }), monday, cfg);
    expect(s.doc.waves[0]!.state).toBe("PENDING");
    expect(s.doc.waves[0]!.waiting).toMatch(/maintenance window of e-1 \(opens Tue 24 Nov 02:00/);
    expect(s.effects.filter((e) => e.kind === "notify" && e.event === "customer_notice")).toHaveLength(1);
    s = tick(s.doc, w.obs({ windows }), new Date("2026-11-23T20:00:00Z"), cfg);
    expect(s.effects.filter((e) => e.kind === "notify")).toHaveLength(0); // once only
    s = tick(s.doc, w.obs({ windows }), new Date("2026-11-24T07:30:00Z"), cfg); // 02:30 New York
    expect(s.doc.waves[0]!.state).toBe("DEPLOYING");
  });

  it("commands: reject stops before the wave; pause holds; advance cuts a bake short; rollback only while a wave is live", () => {
    const gated = newRelease([wave("ent", ["e-1"], { requiresApproval: true })], { sms: "v2" }, "a", t0);
    const w = world(gated);
    let s = tick(gated, w.obs(), t0, cfg);
    const rejected = command(s.doc, { kind: "reject", wave: 0, by: "b", comment: "customer event this week" }, at(1));
    expect(rejected.doc.status).toBe("aborted");
    expect(rejected.doc.waves[0]!.state).toBe("REJECTED");
    expect(() => command(rejected.doc, { kind: "approve", wave: 0, by: "c", comment: "" }, at(2))).toThrow(/already aborted/);
    expect(() => command(s.doc, { kind: "approve", wave: 0, by: "b", comment: "x" }, at(1))).not.toThrow();

    const doc = newRelease([PLAN[0]!], { sms: "v2" }, "a", t0);
    const w2 = world(doc);
    s = tick(doc, w2.obs(), t0, cfg);
    expect(() => command(s.doc, { kind: "advance", by: "x", reason: "r" }, t0)).toThrow(/only a baking wave/);
    w2.apply(s.effects);
    w2.converge();
    s = tick(s.doc, w2.obs(), t0, cfg);
    const paused = command(s.doc, { kind: "pause", by: "sre", reason: "incident" }, at(1));
    expect(tick(paused.doc, w2.obs(), at(2 * H), cfg).doc.waves[0]!.state).toBe("BAKING");
    const resumed = command(paused.doc, { kind: "resume", by: "sre" }, at(2));
    const advanced = command(resumed.doc, { kind: "advance", by: "rm", reason: "hotfix" }, at(60_000));
    expect(tick(advanced.doc, w2.obs(), at(60_000), cfg).doc.waves[0]!.state).toBe("VALIDATING");
    const rolled = command(resumed.doc, { kind: "rollback", by: "sre", reason: "customer impact" }, at(3));
    expect(rolled.doc.waves[0]!.state).toBe("ROLLING_BACK");
    expect(rolled.effects).toContainEqual({ kind: "restoreDesired", wave: 0, previous: { "canary-1": { sms: "v1" } } });
  });

  it("waits for telemetry on the new version, then fails when none arrives", () => {
    const baking = canaryBaking();
    const { w } = baking;
    let s = tick(baking.s.doc, w.obs(), at(H), cfg);
    const none: WaveTelemetry = { from: "", to: "", cells: {}, baseline: null, alerts: [] };
    s = tick(s.doc, w.obs({ telemetry: none }), at(H + 1000), cfg);
    expect(s.doc.waves[0]!.waiting).toBe("waiting for telemetry on the new version from canary-1");
    s = tick(s.doc, w.obs({ telemetry: none }), at(H + cfg.telemetryTimeoutMs + 1), cfg);
    expect(s.doc.waves[0]!.state).toBe("ROLLING_BACK");
  });
});

describe("guards while a wave deploys and bakes", () => {
  const canary = () => {
    const doc = newRelease([wave("canary", ["c-1", "c-2"], { bakeMs: 24 * H })], { sms: "v2" }, "a", t0);
    const w = world(doc);
    const s = tick(doc, w.obs(), t0, cfg);
    w.apply(s.effects);
    return { w, s };
  };
  const window = (cells: WaveTelemetry["cells"]): WaveTelemetry => ({ ...good([]), cells });

  it("a breach one hour into a 24 h bake rolls the wave back at once, naming the check, value and threshold", () => {
    const { w, s: started } = canary();
    w.converge();
    let s = tick(started.doc, w.obs(), at(60_000), cfg);
    expect(s.doc.waves[0]!.state).toBe("BAKING");
    s = tick(s.doc, w.obs({ guard: window({ "c-1": reading(0.0002, 180), "c-2": reading(0.0003, 190) }) }), at(30 * 60_000), cfg);
    expect(s.doc.waves[0]!.guard).toMatchObject({
      state: "watching",
      cells: ["c-1", "c-2"],
      lastEvaluatedAt: at(30 * 60_000).toISOString(),
    });
    s = tick(s.doc, w.obs({ guard: window({ "c-1": reading(0.0002, 180), "c-2": reading(0.05, 190) }) }), at(H), cfg);
    const wave0 = s.doc.waves[0]!;
    expect(wave0.state).toBe("ROLLING_BACK");
    expect(wave0.failure).toBe("guard breach while baking: error_rate < 0.1% breached: worst cell c-2: 5.000% vs < 0.100%");
    expect(wave0.breach).toMatchObject({ at: at(H).toISOString(), check: "error_rate < 0.1%", threshold: 0.001, action: "rollback" });
    expect(wave0.breach!.measured).toBeCloseTo(0.05, 9);
    expect(wave0.guard!.state).toBe("breached");
    expect(s.effects).toContainEqual(expect.objectContaining({ kind: "restoreDesired", wave: 0 }));
    expect(s.effects).toContainEqual(expect.objectContaining({ kind: "recordChecks", wave: 0 }));
  });

  it("while deploying, only cells already on the new version are watched", () => {
    const { w, s: started } = canary();
    w.observed["c-1"] = { sms: "v2" }; // c-2 still runs v1
    const guard = window({ "c-1": reading(0.0002, 180), "c-2": reading(0.5, 180) });
    let s = tick(started.doc, w.obs({ guard }), at(10_000), cfg);
    expect(s.doc.waves[0]!.state).toBe("DEPLOYING");
    expect(s.doc.waves[0]!.guard).toMatchObject({ state: "watching", cells: ["c-1"] });
    s = tick(s.doc, w.obs({ guard: window({ "c-1": reading(0.02, 180) }) }), at(20_000), cfg);
    expect(s.doc.waves[0]!.state).toBe("ROLLING_BACK");
    expect(s.doc.waves[0]!.failure).toMatch(/^guard breach while deploying: error_rate < 0.1% breached: worst cell c-1/);
  });

  it("not enough data while baking is shown as such and changes nothing", () => {
    const { w, s: started } = canary();
    w.converge();
    let s = tick(started.doc, w.obs(), at(1000), cfg);
    s = tick(s.doc, w.obs({ guard: window({ "c-1": { samples: 1, requests: 40, errors: 20, p99Ms: 180 } }) }), at(60_000), cfg);
    expect(s.doc.waves[0]!.state).toBe("BAKING");
    expect(s.doc.waves[0]!.guard!.state).toBe("not_enough_data");
    expect(s.doc.waves[0]!.guard!.results[0]!.detail).toMatch(/not enough data from c-1 \(1 of 3 samples, 40 of 100 requests\), c-2/);
  });

  it("on_breach: pause pauses the release for a human; resuming needs fresh evidence before the guard can breach again", () => {
    const doc = newRelease([wave("canary", ["c-1"], { bakeMs: 24 * H, onBreach: "pause" })], { sms: "v2" }, "a", t0);
    const w = world(doc);
    let s = tick(doc, w.obs(), t0, cfg);
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), at(1000), cfg);
    s = tick(s.doc, w.obs({ guard: window({ "c-1": reading(0.05, 180) }) }), at(H), cfg);
    expect(s.doc.status).toBe("paused");
    expect(s.doc.waves[0]!.state).toBe("BAKING");
    expect(s.doc.waves[0]!.breach).toMatchObject({ action: "pause", check: "error_rate < 0.1%" });
    expect(s.doc.waves[0]!.waiting).toMatch(/^paused by its guard \(guard breach while baking: error_rate < 0.1% breached/);
    expect(s.effects).toContainEqual(expect.objectContaining({ kind: "notify", event: "guard_breach" }));
    expect(s.effects.filter((e) => e.kind === "restoreDesired")).toEqual([]);
    // The guard's pause stops the bake clock like a person's: the hour paused is not bake time.
    expect(s.doc.pausedAt).toBe(at(H).toISOString());
    const left = bakeRemainingMs(s.doc.waves[0]!, s.doc, at(H));
    expect(bakeRemainingMs(s.doc.waves[0]!, s.doc, at(2 * H))).toBe(left);
    const resumed = command(s.doc, { kind: "resume", by: "sre" }, at(2 * H));
    expect(resumed.doc.status).toBe("running");
    expect(resumed.doc.pausedAt).toBeNull();
    expect(bakeRemainingMs(resumed.doc.waves[0]!, resumed.doc, at(2 * H))).toBe(left);
    expect(guardStart(resumed.doc.waves[0]!)).toEqual(at(2 * H));
  });

  it("the end-of-bake validation never passes on no data: it waits, then fails naming the evidence missing", () => {
    const doc = newRelease([wave("canary", ["c-1"], { bakeMs: H })], { sms: "v2" }, "a", t0);
    const w = world(doc);
    let s = tick(doc, w.obs(), t0, cfg);
    w.apply(s.effects);
    w.converge();
    s = tick(s.doc, w.obs(), t0, cfg);
    s = tick(s.doc, w.obs(), at(H), cfg);
    const thin = window({ "c-1": { samples: 2, requests: 20, errors: 0, p99Ms: 100 } });
    s = tick(s.doc, w.obs({ telemetry: thin }), at(H + 1000), cfg);
    expect(s.doc.waves[0]!.state).toBe("VALIDATING");
    expect(s.doc.waves[0]!.waiting).toMatch(
      /^waiting for enough telemetry on the new version \(error_rate < 0.1%: not enough data from c-1/,
    );
    s = tick(s.doc, w.obs({ telemetry: thin }), at(H + cfg.telemetryTimeoutMs + 1001), cfg);
    expect(s.doc.waves[0]!.state).toBe("ROLLING_BACK");
    expect(s.doc.waves[0]!.failure).toMatch(/^error_rate < 0.1%: not enough data from c-1 \(2 of 3 samples, 20 of 100 requests\)/);
  });
});

describe("pause stops the bake clock", () => {
  it("a wave paused 30 min into a 45 min bake has 15 min left when resumed, however long the pause", () => {
    const { w, s } = canaryBaking();
    expect(s.doc.waves[0]!.bakeEndsAt).toBe(at(45 * 60_000).toISOString());
    const paused = command(s.doc, { kind: "pause", by: "sre", reason: "incident" }, at(30 * 60_000));
    expect(paused.doc.pausedAt).toBe(at(30 * 60_000).toISOString());
    expect(bakeRemainingMs(paused.doc.waves[0]!, paused.doc, at(2 * H))).toBe(15 * 60_000);
    // Paused past the bake's original end: nothing moves.
    expect(tick(paused.doc, w.obs(), at(2 * H), cfg).doc.waves[0]!.state).toBe("BAKING");
    const resumed = command(paused.doc, { kind: "resume", by: "sre" }, at(2 * H));
    expect(resumed.doc.pausedAt).toBeNull();
    expect(resumed.doc.waves[0]!.bakeEndsAt).toBe(at(2 * H + 15 * 60_000).toISOString());
    expect(resumed.effects).toContainEqual(expect.objectContaining({ kind: "transition", from: "BAKING", to: "BAKING" }));
    expect(tick(resumed.doc, w.obs(), at(2 * H + 15 * 60_000 - 1), cfg).doc.waves[0]!.state).toBe("BAKING");
    expect(tick(resumed.doc, w.obs(), at(2 * H + 15 * 60_000), cfg).doc.waves[0]!.state).toBe("VALIDATING");
  });
});

describe("rolling back the whole release", () => {
  /** canary and smb-1 pass; e-1's wave fails its checks and is rolled back alone. */
  function failedOnLastWave() {
    const plan = [wave("canary", ["canary-1"]), wave("smb-1", ["smb-1", "smb-2"]), wave("smb-2", ["smb-3"])];
    let doc = newRelease(plan, { sms: "v2" }, "a", t0);
    const w = world(doc);
    let now = 0;
    for (let i = 0; i < 3; i++) {
      let s = tick(doc, w.obs(), at(now), cfg);
      w.apply(s.effects);
      w.converge();
      s = tick(s.doc, w.obs(), at(now), cfg);
      now += H;
      s = tick(s.doc, w.obs(), at(now), cfg);
      const bad = {
        ...good(s.doc.waves[i]!.cells),
        cells: Object.fromEntries(s.doc.waves[i]!.cells.map((c) => [c, reading(0.05, 100)])),
      };
      s = tick(s.doc, w.obs({ telemetry: i === 2 ? bad : good(s.doc.waves[i]!.cells) }), at(now), cfg);
      w.apply(s.effects);
      doc = s.doc;
    }
    w.converge();
    doc = tick(doc, w.obs(), at(now), cfg).doc;
    return { doc, w, now };
  }

  it("says which waves kept the new version, and rolls them back on command, then ends rolled back", () => {
    const { doc, w, now } = failedOnLastWave();
    expect(doc.status).toBe("rolled_back");
    expect(keptWaves(doc).map((k) => k.name)).toEqual(["canary", "smb-1"]);
    expect(() => command(doc, { kind: "rollbackRelease", by: "sre", reason: "" }, at(now))).not.toThrow();
    const s = command(doc, { kind: "rollbackRelease", by: "sre", reason: "v2 is bad everywhere" }, at(now));
    expect(s.doc.status).toBe("rolling_back");
    expect(s.doc.waves.map((x) => x.state)).toEqual(["ROLLING_BACK", "ROLLING_BACK", "ROLLED_BACK"]);
    expect(s.effects.filter((e) => e.kind === "restoreDesired").map((e) => e.wave)).toEqual([0, 1]);
    w.apply(s.effects);
    let t = tick(s.doc, w.obs(), at(now + 1000), cfg);
    expect(t.doc.status).toBe("rolling_back");
    expect(t.doc.waves[0]!.waiting).toBe("waiting for canary-1 to report the previous version");
    w.converge();
    t = tick(t.doc, w.obs(), at(now + 2000), cfg);
    expect(t.doc.status).toBe("rolled_back");
    expect(t.doc.waves.map((x) => x.state)).toEqual(["ROLLED_BACK", "ROLLED_BACK", "ROLLED_BACK"]);
    expect(t.doc.endReason).toMatch(/whole release rolled back by sre: v2 is bad everywhere/);
    expect(keptWaves(t.doc)).toEqual([]);
    expect(() => command(t.doc, { kind: "rollbackRelease", by: "sre", reason: "again" }, at(now + 3000))).toThrow(/no wave kept/);
  });

  it("is refused while a release is still running, and other commands are refused while it rolls back", () => {
    const running = newRelease([PLAN[0]!], { sms: "v2" }, "a", t0);
    expect(() => command(running, { kind: "rollbackRelease", by: "sre", reason: "x" }, t0)).toThrow(/rolled back or aborted/);
    const { doc, now } = failedOnLastWave();
    const s = command(doc, { kind: "rollbackRelease", by: "sre", reason: "v2 is bad" }, at(now));
    expect(() => command(s.doc, { kind: "pause", by: "sre", reason: "x" }, at(now))).toThrow(/rolling back/);
  });
});
