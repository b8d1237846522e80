import { describe, expect, it } from "vitest";
import { exampleFleetCells, exampleText } from "@/tests/support/yaml-fixtures";
import { parsePipelineYaml } from "./pipeline-yaml";
import { byCellId } from "./plan";
import { policyChanges } from "./policy";

const FLEET = exampleFleetCells();
const standard = exampleText("standard-pipeline.yaml");
const runbook = exampleText("deployment-pipeline.yaml");
const ENTERPRISE = FLEET.filter((c) => c.tier === "enterprise")
  .map((c) => c.id)
  .sort(byCellId);

const spec = (text: string) => parsePipelineYaml(text, FLEET, { id: "p" }).spec;
function edit(text: string, from: string, to: string) {
  if (!text.includes(from)) throw new Error(`not in the file: ${from}`);
  return text.replace(from, to);
}
const changes = (before: string | null, after: string) =>
  policyChanges(before === null ? null : spec(before), spec(after), FLEET).map((c) => [c.kind, c.wave ?? null, c.text]);

describe("policyChanges against the stored version", () => {
  it("nothing, for the same file or a stricter one", () => {
    expect(changes(standard, standard)).toEqual([]);
    expect(changes(standard, edit(standard, "bake: 45m", "bake: 2h"))).toEqual([]);
    expect(
      changes(standard, edit(standard, "checks: [error_rate, latency]\n", "checks: [error_rate, latency, customer_complaints]\n")),
    ).toEqual([]);
    expect(changes(standard, edit(standard, "    select: rest of smb", "    requires_approval: true\n    select: rest of smb"))).toEqual(
      [],
    );
    expect(changes(runbook, runbook)).toEqual([]);
  });

  it.each([
    [
      "requires_approval true → false",
      edit(standard, "requires_approval: true ", "requires_approval: false"),
      [
        ["gate_removed", "enterprise", "wave enterprise: approval gate removed"],
        ["cells_ungated", null, `no longer behind an approval gate: ${ENTERPRISE.join(", ")}`],
      ],
    ],
    [
      "the gated wave removed (cells left unplanned)",
      standard.slice(0, standard.indexOf("  - name: enterprise")),
      [
        ["gated_wave_removed", "enterprise", "wave enterprise, which had an approval gate, is gone"],
        [
          "checks_removed",
          "enterprise",
          "wave enterprise is gone with its checks: error_rate < 0.1%, p99_latency < 500ms, no_pagerduty_alerts: 30m",
        ],
        ["notify_changed", "enterprise", "wave enterprise is gone: nobody is notified instead of slack://enterprise-releases"],
        ["cells_ungated", null, `no longer behind an approval gate: ${ENTERPRISE.join(", ")}`],
      ],
    ],
    [
      "enterprise cells moved into an earlier wave without a gate (the gated wave selects nothing any more)",
      edit(standard, "select: rest of smb", "select: [rest of smb, tier:enterprise]"),
      [["cells_ungated", null, `no longer behind an approval gate: ${ENTERPRISE.join(", ")}`]],
    ],
    [
      "a check removed",
      edit(standard, "checks: [error_rate, latency, customer_complaints]", "checks: [error_rate, latency]"),
      [["checks_removed", "smb-wave-1", "wave smb-wave-1: check removed: customer_complaints"]],
    ],
    [
      "a threshold loosened is a check removed (and another added)",
      edit(
        standard,
        'checks: ["error_rate < 0.1%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]\n\n',
        'checks: ["error_rate < 5%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]\n\n',
      ),
      [["checks_removed", "canary", "wave canary: check removed: error_rate < 0.1% (added: error_rate < 5%)"]],
    ],
    [
      "a notify target changed (shown redacted)",
      edit(standard, "notify: slack://enterprise-releases", "notify: https://hooks.example.com/T000/B000/s3cr3t"),
      [["notify_changed", "enterprise", "wave enterprise: notifies https://hooks.example.com/… instead of slack://enterprise-releases"]],
    ],
    [
      "a notify target removed",
      edit(standard, "    notify: slack://enterprise-releases\n", ""),
      [["notify_changed", "enterprise", "wave enterprise: notifies nobody instead of slack://enterprise-releases"]],
    ],
    [
      "a notify target added",
      edit(standard, "    select: rest of smb", "    notify: https://hooks.example.com/x\n    select: rest of smb"),
      [["notify_changed", "smb-wave-2", "wave smb-wave-2: notifies https://hooks.example.com/… instead of nobody"]],
    ],
    [
      "a wave renamed: the gated wave is gone; the new one notifies",
      edit(standard, "name: enterprise", "name: enterprise-2"),
      [
        ["gated_wave_removed", "enterprise", "wave enterprise, which had an approval gate, is gone"],
        [
          "checks_removed",
          "enterprise",
          "wave enterprise is gone with its checks: error_rate < 0.1%, p99_latency < 500ms, no_pagerduty_alerts: 30m",
        ],
        ["notify_changed", "enterprise", "wave enterprise is gone: nobody is notified instead of slack://enterprise-releases"],
        ["notify_changed", "enterprise-2", "new wave enterprise-2 notifies slack://enterprise-releases"],
      ],
    ],
  ])("%s", (_name, after, expected) => {
    expect(changes(standard, after)).toEqual(expected);
  });
});

describe("policyChanges of a new pipeline: the house floor", () => {
  it("the examples meet it", () => {
    expect(changes(null, standard)).toEqual([]);
    expect(changes(null, runbook)).toEqual([]);
  });

  it("enterprise cells without a gate, and waves without checks, fall below it", () => {
    const yolo =
      "pipeline: { id: yolo, name: Everything at once }\nwaves:\n  - name: all\n    select: [tier:canary, tier:smb, tier:enterprise]\n    bake: 1m\n";
    expect(changes(null, yolo)).toEqual([
      ["enterprise_ungated", null, `enterprise cells without an approval gate: ${ENTERPRISE.join(", ")}`],
      ["wave_unchecked", "all", "wave all has no checks"],
    ]);
    const smbOnly =
      "pipeline: { id: hotfix, name: Hotfix }\nwaves:\n  - name: smb\n    select: smb-eu-*\n    bake: 1h\n    checks: [error_rate]\n";
    expect(changes(null, smbOnly)).toEqual([]);
  });
});
