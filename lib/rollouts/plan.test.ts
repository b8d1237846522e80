import { describe, expect, it } from "vitest";
import { exampleFleetCells, exampleText } from "@/tests/support/yaml-fixtures";
import { pipelineSummary } from "./describe";
import { parsePipelineYaml } from "./pipeline-yaml";
import { percentPick, planWaves, type PlanCell } from "./plan";
import { waveSpec as wave } from "./test-fixtures";
import type { PipelineSpec, Selector, WaveSpec } from "./types";

const FLEET: PlanCell[] = exampleFleetCells().map(({ id, tier }) => ({ id, tier }));
const SMB = FLEET.filter((c) => c.tier === "smb").map((c) => c.id);
const ENTERPRISE = ["enterprise-eu-standard", "enterprise-us-hipaa", "enterprise-us-standard"];

const pipeline = (...waves: WaveSpec[]): PipelineSpec => ({ id: "t", name: "t", description: "", waves });

/** Deterministic shuffles of the fleet, to show the plan ignores input order. */
function orderings<T>(xs: T[]): T[][] {
  const rotate = (k: number) => [...xs.slice(k), ...xs.slice(0, k)];
  return [xs, [...xs].reverse(), rotate(5), rotate(11).reverse(), xs.filter((_, i) => i % 2).concat(xs.filter((_, i) => !(i % 2)))];
}

describe("percentPick", () => {
  it("takes 25% of the 12 demo SMB cells: 3, the same 3 for every call and every input order", () => {
    const pick = percentPick(SMB, 25);
    expect(pick).toHaveLength(3);
    for (const o of orderings(SMB)) expect(percentPick(o, 25)).toEqual(pick);
    expect(pick.every((id) => SMB.includes(id))).toBe(true);
  });

  it.each([
    [1, 1],
    [8.4, 2], // ceil(12 × 8.4 / 100) = ceil(1.008)
    [25, 3],
    [50, 6],
    [99, 12],
    [100, 12],
  ])("%d%% of 12 cells is %d", (percent, n) => {
    expect(percentPick(SMB, percent)).toHaveLength(n);
  });

  it("is exact for decimal shares: 1.1% of 3000 cells is 33 (not 34 from float noise)", () => {
    expect(
      percentPick(
        Array.from({ length: 3000 }, (_, i) => `smb-${i}`),
        1.1,
      ),
    ).toHaveLength(33);
  });

  it("gives nothing from nothing and ignores duplicates", () => {
    expect(percentPick([], 25)).toEqual([]);
    expect(percentPick([...SMB, ...SMB], 25)).toEqual(percentPick(SMB, 25));
  });

  it("grows by inclusion: a larger share keeps the cells of a smaller one", () => {
    for (const [small, large] of [
      [10, 25],
      [25, 50],
      [50, 75],
    ] as const) {
      const a = percentPick(SMB, small);
      expect(percentPick(SMB, large)).toEqual(expect.arrayContaining(a));
    }
  });

  it("barely moves when an unrelated cell joins: at most one cell changes", () => {
    const before = percentPick(SMB, 25);
    for (const extra of ["smb-sa-1", "smb-sa-2", "smb-us-10", "smb-af-1", "zzz-1"]) {
      const after = percentPick([...SMB, extra], 25); // 13 cells → ceil(3.25) = 4
      expect(after).toHaveLength(4);
      expect(before.filter((id) => !after.includes(id)).length).toBeLessThanOrEqual(1);
    }
  });
});

describe("planWaves", () => {
  it("resolves the standard pipeline: canary, 3 SMB, the other 9 SMB, then enterprise one at a time", () => {
    const { spec } = parsePipelineYaml(exampleText("standard-pipeline.yaml"), FLEET);
    const plan = planWaves(spec, FLEET);
    const quarter = percentPick(SMB, 25);
    expect(plan.map((w) => [w.name, w.group, w.cells])).toEqual([
      ["canary", "canary", ["canary-us-internal"]],
      ["smb-wave-1", "smb-wave-1", quarter],
      ["smb-wave-2", "smb-wave-2", SMB.filter((id) => !quarter.includes(id)).sort((a, b) => a.localeCompare(b, "en", { numeric: true }))],
      ...ENTERPRISE.map((id) => [`enterprise · ${id}`, "enterprise", [id]]),
    ]);
    expect(plan[2]!.cells).toHaveLength(9);
    for (const o of orderings(FLEET)) expect(planWaves(spec, o)).toEqual(plan);
  });

  it("expands a one-at-a-time wave per cell with one approval gate; notify and window stay on every cell", () => {
    const plan = planWaves(
      pipeline(
        wave("enterprise", [{ kind: "tier", tier: "enterprise" }], {
          parallel: false,
          requiresApproval: true,
          notify: "slack://x",
          maintenanceWindow: true,
          bakeMs: 86_400_000,
        }),
      ),
      FLEET,
    );
    expect(plan).toHaveLength(3);
    expect(plan.map((w) => [w.name, w.cells, w.requiresApproval, w.notify, w.maintenanceWindow, w.parallel, w.bakeMs])).toEqual([
      ["enterprise · enterprise-eu-standard", ["enterprise-eu-standard"], true, "slack://x", true, false, 86_400_000],
      ["enterprise · enterprise-us-hipaa", ["enterprise-us-hipaa"], false, "slack://x", true, false, 86_400_000],
      ["enterprise · enterprise-us-standard", ["enterprise-us-standard"], false, "slack://x", true, false, 86_400_000],
    ]);
    expect(new Set(plan.map((w) => w.group))).toEqual(new Set(["enterprise"]));
  });

  const ids = (...x: string[]): Selector => ({ kind: "ids", ids: x });
  it.each<[string, WaveSpec[], string[][]]>([
    [
      "a cell goes with the first wave that selects it",
      [wave("a", [ids("smb-us-1")]), wave("b", [{ kind: "glob", pattern: "smb-us-*" }])],
      [["smb-us-1"], ["smb-us-2", "smb-us-3", "smb-us-4", "smb-us-5"]],
    ],
    [
      "a wave is the union of its selectors, sorted numerically",
      [wave("a", [{ kind: "glob", pattern: "*-eu-*" }, ids("smb-us-10", "canary-us-internal")])],
      [["canary-us-internal", "enterprise-eu-standard", "smb-eu-1", "smb-eu-2", "smb-eu-3", "smb-eu-4"]],
    ],
    [
      "rest takes what earlier waves left",
      [wave("a", [{ kind: "glob", pattern: "smb-ap-*" }]), wave("b", [{ kind: "rest", tier: "smb" }])],
      [
        ["smb-ap-1", "smb-ap-2", "smb-ap-3"],
        ["smb-eu-1", "smb-eu-2", "smb-eu-3", "smb-eu-4", "smb-us-1", "smb-us-2", "smb-us-3", "smb-us-4", "smb-us-5"],
      ],
    ],
    [
      "a wave that selects nothing is dropped",
      [
        wave("a", [{ kind: "glob", pattern: "gold-*" }]),
        wave("b", [{ kind: "tier", tier: "canary" }]),
        wave("c", [{ kind: "tier", tier: "canary" }]),
      ],
      [["canary-us-internal"]],
    ],
    ["unknown ids select nothing", [wave("a", [ids("smb-us-99")])], []],
  ])("%s", (_name, waves, cells) => {
    expect(planWaves(pipeline(...waves), FLEET).map((w) => w.cells)).toEqual(cells);
  });

  it("a share of a tier counts the whole tier but takes only cells earlier waves left", () => {
    const plan = planWaves(
      pipeline(
        wave("a", [ids("smb-us-1", "smb-us-2", "smb-eu-1", "smb-ap-1")]),
        wave("b", [{ kind: "percent", tier: "smb", percent: 25 }]),
      ),
      FLEET,
    );
    expect(plan[1]!.cells).toHaveLength(3);
    expect(plan[1]!.cells.some((id) => plan[0]!.cells.includes(id))).toBe(false);
  });

  it("plans only active cells", () => {
    const fleet = FLEET.map((c) =>
      c.id === "smb-us-1" ? { ...c, status: "draining" } : c.id === "smb-us-2" ? { ...c, status: "retired" } : { ...c, status: "active" },
    );
    const plan = planWaves(pipeline(wave("all-smb", [{ kind: "tier", tier: "smb" }, ids("smb-us-1")])), fleet);
    expect(plan[0]!.cells).toHaveLength(10);
    expect(plan[0]!.cells).not.toContain("smb-us-1");
    expect(plan[0]!.cells).not.toContain("smb-us-2");
  });

  it("the runbook's state machine plans the same waves as the equivalent native file", () => {
    const native = `
pipeline: { id: runbook-native }
waves:
  - name: canary
    cells: [canary-us-internal]
    bake: 45m
    checks: ["error_rate < 0.1%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]
  - name: smb-wave-1
    cells: [smb-us-1, smb-us-2, smb-eu-1]
    bake: 4h
    checks: [error_rate, latency, customer_complaints]
  - name: smb-wave-2
    select: rest of smb
    bake: 8h
    checks: [error_rate, latency]
  - name: enterprise
    select: tier:enterprise
    parallel: false
    bake: 24h
    requires_approval: true
    notify: slack://enterprise-releases
    checks: ["error_rate < 0.1%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]
`;
    const fromStates = parsePipelineYaml(exampleText("deployment-pipeline.yaml"), FLEET);
    const fromNative = parsePipelineYaml(native, FLEET);
    expect(fromStates.format).toBe("state-machine");
    expect(fromNative.format).toBe("native");
    const plan = planWaves(fromStates.spec, FLEET);
    expect(planWaves(fromNative.spec, FLEET)).toEqual(plan);
    expect(plan.map((w) => w.name)).toEqual(["canary", "smb-wave-1", "smb-wave-2", ...ENTERPRISE.map((id) => `enterprise · ${id}`)]);
    expect(plan.map((w) => w.requiresApproval)).toEqual([false, false, false, true, false, false]);
  });
});

describe("pipelineSummary", () => {
  it("describes the standard pipeline and the runbook in one line each", () => {
    const read = (file: string) => parsePipelineYaml(exampleText(file), FLEET).spec;
    expect(pipelineSummary(read("standard-pipeline.yaml"))).toBe(
      "canary 45m → 25% of smb 4h → rest of smb 8h → enterprise one at a time 1d each",
    );
    expect(pipelineSummary(read("deployment-pipeline.yaml"))).toBe(
      "canary 45m → smb-wave-1 4h → smb-wave-2 8h → enterprise one at a time 1d each",
    );
  });
});
