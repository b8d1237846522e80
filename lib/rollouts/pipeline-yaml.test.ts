import { createHash } from "node:crypto";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { exampleFleetCells, exampleText, specErrors } from "@/tests/support/yaml-fixtures";
import { exportPipelineYaml, parsePipelineYaml, waveNameFromState } from "./pipeline-yaml";
import { formatSelector, parseSelector } from "./selectors";
import type { PipelineSpec } from "./types";

const FLEET = exampleFleetCells();
const runbook = exampleText("deployment-pipeline.yaml");
const standard = exampleText("standard-pipeline.yaml");

const errorsOf = (text: string, opts?: { id?: string }) => specErrors(() => parsePipelineYaml(text, FLEET, opts));

/** The 1-based line of the first line containing `snippet`. */
const lineWith = (text: string, snippet: string) => {
  const i = text.split("\n").findIndex((l) => l.includes(snippet));
  if (i < 0) throw new Error(`no line contains ${snippet}`);
  return i + 1;
};

function swap(text: string, from: string, to: string) {
  if (!text.includes(from)) throw new Error(`not in the file: ${from}`);
  return text.replace(from, to);
}

describe("the state-machine form", () => {
  it("imports examples/deployment-pipeline.yaml as written", () => {
    const { format, spec } = parsePipelineYaml(runbook, FLEET, { id: "runbook" });
    expect(format).toBe("state-machine");
    expect(spec.id).toBe("runbook");
    expect(spec.waves.map((w) => [w.name, w.bakeMs / 3_600_000, w.parallel, w.requiresApproval, w.notify])).toEqual([
      ["canary", 0.75, true, false, null],
      ["smb-wave-1", 4, true, false, null],
      ["smb-wave-2", 8, true, false, null],
      ["enterprise", 24, false, true, "slack://enterprise-releases"],
    ]);
    expect(spec.waves[0]!.selectors).toEqual([{ kind: "ids", ids: ["canary-us-internal"] }]);
    expect(spec.waves[1]!.selectors).toEqual([{ kind: "ids", ids: ["smb-us-1", "smb-us-2", "smb-eu-1"] }]);
    expect(spec.waves[0]!.checks).toEqual([
      { kind: "error_rate", max: 0.001, source: "error_rate < 0.1%" },
      { kind: "latency", maxP99Ms: 500, source: "p99_latency < 500ms" },
      { kind: "no_alerts", alertType: "pagerduty", forMs: 1_800_000, source: "no_pagerduty_alerts: 30m" },
    ]);
    expect(spec.waves[1]!.checks.map((c) => c.kind)).toEqual(["error_rate", "latency", "customer_complaints"]);
  });

  // examples/deployment-pipeline.yaml is the seed's runbook byte for byte, so the import above is of
  // the seed's text and not of a copy edited until it parses. A deliberate change updates the hash.
  it("examples/deployment-pipeline.yaml is the seed's runbook, unchanged", () => {
    expect(createHash("sha256").update(runbook).digest("hex")).toBe("371f4f38a7579dd32f0e89ed6983038973379ae75d6059f8a57b629ac731ac15");
  });

  it.each([
    ["DeployToCanary", "canary"],
    ["DeployToSMBWave1", "smb-wave-1"],
    ["DeployToEnterprise", "enterprise"],
    ["DeployEUCells", "eu-cells"],
    ["Deployment", "deployment"],
    ["Deploy", "deploy"],
    ["deploy_to_canary", "deploy-to-canary"],
  ])("wave name of %s is %s", (state, name) => {
    expect(waveNameFromState(state)).toBe(name);
  });

  const orphan = `${runbook}\n  Orphan:\n    action: rollback\n`;
  it.each<[string, string, string, string, RegExp]>([
    [
      "unknown state in next",
      swap(runbook, "next: ValidateCanary", "next: ValidateCanry"),
      "next: ValidateCanry",
      "states.DeployToCanary.next",
      /unknown state "ValidateCanry" \(did you mean "ValidateCanary"\?\)/,
    ],
    [
      "unknown state in on_success",
      swap(runbook, "on_success: DeployToSMBWave2", "on_success: Finish"),
      "on_success: Finish",
      "states.ValidateSMBWave1.on_success",
      /unknown state "Finish" \(states: DeployToCanary, ValidateCanary, .*, Done\)/,
    ],
    [
      "unknown state in on_failure",
      swap(runbook, "on_failure: RollbackCanary", "on_failure: RollBackCanary"),
      "on_failure: RollBackCanary",
      "states.ValidateCanary.on_failure",
      /unknown state "RollBackCanary"/,
    ],
    ["unreachable state", orphan, "  Orphan:", "states.Orphan", /unreachable/],
    [
      "cycle",
      swap(runbook, "on_success: Done", "on_success: DeployToCanary"),
      "on_success: DeployToCanary",
      "states.ValidateEnterprise.on_success",
      /cycle: DeployToCanary → ValidateCanary → .* → ValidateEnterprise → DeployToCanary/,
    ],
    [
      "unknown cell",
      swap(runbook, "cell: canary-us-internal", "cell: canary-us-external"),
      "cell: canary-us-external",
      "states.DeployToCanary.cell",
      /unknown cell "canary-us-external"/,
    ],
    [
      "check that cannot be parsed",
      swap(runbook, "- p99_latency < 500ms", "- p99_latency < soon"),
      "p99_latency < soon",
      "states.ValidateCanary.checks[1]",
      /must be a duration/,
    ],
    [
      "deploy not followed by a validate",
      swap(runbook, "next: ValidateSMBWave1", "next: DeployToSMBWave2"),
      "next: DeployToSMBWave2",
      "states.DeployToSMBWave1.next",
      /must be followed by a validate state/,
    ],
    ["deploy without next", swap(runbook, "    next: ValidateCanary\n", ""), "DeployToCanary:", "states.DeployToCanary", /needs `next`/],
    [
      "rollback cells differ from the wave",
      swap(runbook, "cells: [smb-us-1, smb-us-2, smb-eu-1]\n\n  DeployToSMBWave2", "cells: [smb-us-1, smb-us-2]\n\n  DeployToSMBWave2"),
      "cells: [smb-us-1, smb-us-2]\n".trim(),
      "states.RollbackSMBWave1.cells",
      /exactly its wave's cells/,
    ],
    [
      "on_failure to a non-rollback state",
      swap(runbook, "on_failure: RollbackCanary", "on_failure: Done"),
      "on_failure: Done",
      "states.ValidateCanary.on_failure",
      /must name a rollback state/,
    ],
    ["missing bake time", swap(runbook, "    bake_time: 8h\n", ""), "ValidateSMBWave2:", "states.ValidateSMBWave2.bake_time", /required/],
    [
      "bad bake time",
      swap(runbook, "bake_time: 8h", "bake_time: 8"),
      "bake_time: 8",
      "states.ValidateSMBWave2.bake_time",
      /not a duration/,
    ],
    [
      "unknown field",
      swap(runbook, "parallel: true\n    next: ValidateSMBWave1", "paralel: true\n    next: ValidateSMBWave1"),
      "paralel: true",
      "states.DeployToSMBWave1.paralel",
      /unknown field for a deploy state/,
    ],
    [
      "unknown action",
      swap(runbook, "action: succeed", "action: celebrate"),
      "action: celebrate",
      "states.Done.action",
      /unknown action "celebrate"/,
    ],
    [
      "bad notification",
      swap(runbook, "notification: slack://enterprise-releases", "notification: email:ops"),
      "notification: email:ops",
      "states.DeployToEnterprise.notification",
      /slack:\/\//,
    ],
    [
      "the same cell in two waves",
      swap(runbook, "cells: [smb-us-3, smb-us-4", "cells: [smb-us-1, smb-us-4"),
      "cells: [smb-us-1, smb-us-4",
      "states.DeployToSMBWave2.cells[0]",
      /already in wave "smb-wave-1" \(line 23\): waves never overlap/,
    ],
    ["the first state is not a deploy", "states:\n  Done:\n    action: succeed\n", "  Done:", "states.Done", /must be a deploy state/],
  ])("%s → line and field", (_name, text, snippet, field, message) => {
    const errs = errorsOf(text);
    const e = errs.find((x) => x.field === field);
    expect(e, JSON.stringify(errs, null, 1)).toBeDefined();
    expect(e!.line).toBe(lineWith(text, snippet.split("\n")[0]!));
    expect(e!.message).toMatch(message);
  });

  it("reports every problem at once, in line order", () => {
    let text = swap(runbook, "next: ValidateCanary", "next: ValidateCanry");
    text = swap(text, "smb-eu-1]  # 25% of SMB", "smb-xx-1]  # 25% of SMB");
    text = swap(text, "bake_time: 24h", "bake_time: a day");
    const errs = errorsOf(text);
    expect(errs.map((e) => e.field)).toEqual([
      "states.DeployToCanary.next",
      "states.DeployToSMBWave1.cells[2]",
      "states.ValidateEnterprise.bake_time",
    ]);
    expect(errs.map((e) => e.line)).toEqual([7, 23, lineWith(text, "bake_time: a day")]);
  });
});

describe("the native form", () => {
  it("reads examples/standard-pipeline.yaml", () => {
    const { format, spec } = parsePipelineYaml(standard, FLEET);
    expect(format).toBe("native");
    expect(spec).toMatchObject({ id: "standard", name: "Standard wave rollout" });
    expect(
      spec.waves.map((w) => [w.name, w.selectors, w.bakeMs / 60_000, w.parallel, w.requiresApproval, w.notify, w.maintenanceWindow]),
    ).toEqual([
      ["canary", [{ kind: "ids", ids: ["canary-us-internal"] }], 45, true, false, null, false],
      ["smb-wave-1", [{ kind: "percent", tier: "smb", percent: 25 }], 240, true, false, null, false],
      ["smb-wave-2", [{ kind: "rest", tier: "smb" }], 480, true, false, null, false],
      ["enterprise", [{ kind: "tier", tier: "enterprise" }], 1440, false, true, "slack://enterprise-releases", false],
    ]);
    expect(spec.waves[3]!.checks).toEqual(parsePipelineYaml(runbook, FLEET).spec.waves[3]!.checks);
  });

  it("reads the README's native example", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const block = /## Pipelines[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const { spec } = parsePipelineYaml(block!, FLEET);
    expect({ ...spec, description: "" }).toEqual({
      ...parsePipelineYaml(standard, FLEET).spec,
      description: "",
      waves: parsePipelineYaml(standard, FLEET).spec.waves.map((w) => (w.name === "enterprise" ? { ...w, maintenanceWindow: true } : w)),
    });
  });

  it("takes the id from opts, then the file, then 'imported'", () => {
    expect(parsePipelineYaml(standard, FLEET, { id: "other", name: "Other" }).spec).toMatchObject({ id: "other", name: "Other" });
    expect(parsePipelineYaml(runbook, FLEET).spec).toMatchObject({ id: "imported", name: "Imported pipeline", description: "" });
  });

  it("accepts lists of selectors, globs, plain ids beside cells, and https notifications", () => {
    const text = [
      "waves:",
      "  - name: first",
      "    cells: [canary-us-internal]",
      '    select: [smb-us-1, "smb-eu-*"]',
      "    bake: 1h30m",
      "    notify: https://hooks.example.com/releases",
      "    maintenance_window: true",
      "  - name: second",
      '    select: ["10% of smb", tier:enterprise]',
      "    bake: 0m",
    ].join("\n");
    const { spec } = parsePipelineYaml(text, FLEET);
    expect(spec.waves[0]).toMatchObject({
      selectors: [
        { kind: "ids", ids: ["canary-us-internal", "smb-us-1"] },
        { kind: "glob", pattern: "smb-eu-*" },
      ],
      bakeMs: 5_400_000,
      notify: "https://hooks.example.com/releases",
      maintenanceWindow: true,
      checks: [],
    });
    expect(spec.waves[1]!.selectors).toEqual([
      { kind: "percent", tier: "smb", percent: 10 },
      { kind: "tier", tier: "enterprise" },
    ]);
  });

  const w = (body: string) => `pipeline: { id: p }\nwaves:\n  - name: canary\n    cells: [canary-us-internal]\n    bake: 45m\n${body}`;
  it.each<[string, string, string, string, RegExp]>([
    ["unknown wave field", w("    bake_time: 45m\n"), "bake_time", "waves[0].bake_time", /unknown field/],
    [
      "unknown cell",
      w("  - name: x\n    cells: [smb-us-99]\n    bake: 1h\n"),
      "smb-us-99",
      "waves[1].cells[0]",
      /unknown cell "smb-us-99"/,
    ],
    [
      "unknown cell as a select",
      w("  - name: x\n    select: smb-us-99\n    bake: 1h\n"),
      "smb-us-99",
      "waves[1].select",
      /unknown cell "smb-us-99"/,
    ],
    [
      "overlap",
      w("  - name: again\n    select: [tier:smb, canary-us-internal]\n    bake: 1h\n"),
      "tier:smb, canary",
      "waves[1].select[1]",
      /already in wave "canary" \(line 4\): waves never overlap/,
    ],
    [
      "listed twice",
      w("  - name: x\n    cells: [smb-us-1, smb-us-1]\n    bake: 1h\n"),
      "smb-us-1, smb-us-1",
      "waves[1].cells[1]",
      /listed twice/,
    ],
    ["unknown tier", w("  - name: x\n    select: 25% of gold\n    bake: 1h\n"), "25% of gold", "waves[1].select", /unknown tier "gold"/],
    ["bad percentage", w("  - name: x\n    select: 150% of smb\n    bake: 1h\n"), "150% of smb", "waves[1].select", /at most 100/],
    [
      "not a selector",
      w("  - name: x\n    select: half the smb cells\n    bake: 1h\n"),
      "half the smb",
      "waves[1].select",
      /not a selector/,
    ],
    ["bad bake", w("  - name: x\n    select: rest of smb\n    bake: 4 hours\n"), "bake: 4 hours", "waves[1].bake", /not a duration/],
    ["missing bake", "waves:\n  - name: x\n    select: rest of smb\n", "- name: x", "waves[0].bake", /required/],
    ["bad check", w("    checks: [error_rate, cpu < 80%]\n"), "checks:", "waves[0].checks[1]", /unknown check "cpu"/],
    ["bad notify", w("    notify: http://insecure.example.com\n"), "notify:", "waves[0].notify", /slack:\/\//],
    ["bad on_breach", w("    on_breach: alert\n"), "on_breach:", "waves[0].on_breach", /rollback .* or pause/],
    [
      "evidence on an alert check",
      w("    checks: [{ check: customer_complaints, min_samples: 3 }]\n"),
      "checks:",
      "waves[0].checks[0]",
      /apply to checks on telemetry/,
    ],
    ["bad relative factor", w('    checks: ["error_rate < 0.5x baseline"]\n'), "checks:", "waves[0].checks[0]", /above 1/],
    ["parallel not a boolean", w("    parallel: sometimes\n"), "parallel:", "waves[0].parallel", /true or false/],
    ["no cells or select", w("  - name: x\n    bake: 1h\n"), "- name: x", "waves[1]", /needs `cells`/],
    ["missing name", w("  - select: rest of smb\n    bake: 1h\n"), "- select: rest of smb", "waves[1].name", /required/],
    [
      "duplicate wave name",
      w("  - name: canary\n    select: rest of smb\n    bake: 1h\n"),
      "- name: canary\n".trim(),
      "waves[1].name",
      /duplicate wave name "canary"/,
    ],
    ["bad pipeline id", "pipeline: { id: Standard_1 }\nwaves: []\n", "pipeline:", "pipeline.id", /must match/],
    ["unknown pipeline field", "pipeline:\n  id: p\n  owner: me\nwaves: []\n", "owner:", "pipeline.owner", /unknown field/],
    ["no waves", "pipeline: { id: p }\nwaves: []\n", "waves:", "waves", /at least one wave/],
    ["both forms", "waves: []\nstates: {}\n", "waves:", "waves", /not both/],
    ["neither form", "pipeline: { id: p }\n", "pipeline:", "(root)", /expected `waves:`/],
    ["unknown top-level field", "pipelines: {}\nwaves: []\n", "pipelines:", "pipelines", /unknown top-level field/],
  ])("%s → line and field", (_name, text, snippet, field, message) => {
    const errs = errorsOf(text);
    const e = errs.find((x) => x.field === field);
    expect(e, JSON.stringify(errs, null, 1)).toBeDefined();
    const lines = text.split("\n");
    const expected =
      field === "waves[1].name" && snippet.startsWith("- name: canary")
        ? lines.lastIndexOf("  - name: canary") + 1
        : lineWith(text, snippet);
    expect(e!.line).toBe(expected);
    expect(e!.message).toMatch(message);
  });

  it("names a bad --id without a line", () => {
    expect(errorsOf(standard, { id: "Not OK" })).toEqual([{ line: undefined, field: "id", message: expect.stringMatching(/must match/) }]);
  });

  it("reports YAML syntax errors with their line", () => {
    const errs = errorsOf("waves:\n  - name: x\n    select: [smb-us-1\n");
    expect(errs[0]).toMatchObject({ field: "(yaml)" });
    expect(errs[0]!.line).toBeGreaterThan(0);
  });
});

describe("exportPipelineYaml", () => {
  const crafted: PipelineSpec = {
    id: "crafted-1",
    name: "Crafted: every feature",
    description: 'Quotes " and colons: all kept',
    waves: [
      {
        name: "first",
        selectors: [
          { kind: "ids", ids: ["canary-us-internal", "smb-us-1"] },
          { kind: "glob", pattern: "*-eu-*" },
        ],
        parallel: true,
        bakeMs: 5_400_000,
        checks: [],
        requiresApproval: false,
        notify: "https://hooks.example.com/x?y=1",
        maintenanceWindow: true,
      },
      {
        name: "yes",
        selectors: [
          { kind: "percent", tier: "smb", percent: 12.5 },
          { kind: "tier", tier: "canary" },
        ],
        parallel: false,
        bakeMs: 0,
        checks: [
          { kind: "latency", maxP99Ms: 1500, source: "latency < 1500ms" },
          { kind: "no_alerts", alertType: "customer_complaint", forMs: 5_400_000, source: "no_customer_complaint_alerts: 1h30m" },
        ],
        requiresApproval: true,
        notify: null,
        maintenanceWindow: false,
      },
      {
        name: "last",
        selectors: [{ kind: "rest", tier: "smb" }],
        parallel: true,
        bakeMs: 93_600_000,
        checks: [
          { kind: "error_rate", max: 0.0025, source: "error_rate < 0.25%" },
          { kind: "customer_complaints", source: "customer_complaints" },
          { kind: "relative", metric: "error_rate", factor: 2, source: "error_rate < 2x baseline" },
          { kind: "relative", metric: "latency", factor: 1.5, source: "p99_latency < 1.5x baseline", minSamples: 20 },
          { kind: "error_rate", max: 0.001, source: "error_rate < 0.1%", minSamples: 10, minRequests: 5000 },
        ],
        requiresApproval: false,
        notify: "slack://ops",
        maintenanceWindow: false,
        onBreach: "pause",
      },
    ],
  };

  it.each([
    ["the standard pipeline", () => parsePipelineYaml(standard, FLEET).spec],
    ["the runbook", () => parsePipelineYaml(runbook, FLEET, { id: "runbook", name: "Runbook" }).spec],
    ["a spec using every feature", () => crafted],
  ])("round-trips %s", (_name, make) => {
    const spec = make();
    const text = exportPipelineYaml(spec);
    const back = parsePipelineYaml(text, FLEET);
    expect(back.format).toBe("native");
    expect(back.spec).toEqual(spec);
  });

  it("reads on_breach in both forms (rollback when not written)", () => {
    const native = parsePipelineYaml(swap(standard, "    bake: 45m\n", "    bake: 45m\n    on_breach: pause\n"), FLEET).spec;
    expect(native.waves.map((x) => x.onBreach)).toEqual(["pause", undefined, undefined, undefined]);
    const sm = parsePipelineYaml(swap(runbook, "bake_time: 45m", "bake_time: 45m\n    on_breach: pause"), FLEET, { id: "runbook" }).spec;
    expect(sm.waves[0]!.onBreach).toBe("pause");
  });

  it("writes checks with their own evidence as maps, and on_breach", () => {
    const text = exportPipelineYaml(crafted);
    expect(text).toContain('{ check: "error_rate < 0.1%", min_samples: 10, min_requests: 5000 }');
    expect(text).toContain('"error_rate < 2x baseline"');
    expect(text).toContain("on_breach: pause");
  });

  it("writes checks back as they were written", () => {
    const text = exportPipelineYaml(parsePipelineYaml(standard, FLEET).spec);
    expect(text).toContain('checks: ["error_rate < 0.1%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]');
    expect(text).toContain('select: "25% of smb"');
    expect(text).toContain("parallel: false");
  });
});

describe("selectors", () => {
  it.each([
    ["tier:enterprise", { kind: "tier", tier: "enterprise" }],
    ["tier: smb", { kind: "tier", tier: "smb" }],
    ["25% of smb", { kind: "percent", tier: "smb", percent: 25 }],
    ["12.5 % of smb", { kind: "percent", tier: "smb", percent: 12.5 }],
    ["rest of smb", { kind: "rest", tier: "smb" }],
    ["smb-*", { kind: "glob", pattern: "smb-*" }],
    ["smb-us-1", { kind: "ids", ids: ["smb-us-1"] }],
  ])("%s", (text, sel) => {
    expect(parseSelector(text)).toEqual(sel);
    if (sel.kind !== "ids") expect(parseSelector(formatSelector(sel as never))).toEqual(sel);
  });

  it.each(["tier:gold", "0% of smb", "x% of smb", "rest of", "SMB_*", "Smb-1"])("refuses %j", (text) => {
    expect(typeof parseSelector(text)).toBe("string");
  });
});
