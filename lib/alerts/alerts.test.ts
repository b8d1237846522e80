import { describe, expect, it } from "vitest";
import type { AlertGroup } from "@/lib/health/alerts";
import type { SpecValidationError } from "@/lib/yaml-errors";
import { issueType, mapAlertmanagerAlerts } from "./alertmanager";
import { planNotifications } from "./routing";
import { parseRoutesYaml } from "./settings";
import { muteOf, type Silence } from "./silences";

const now = new Date("2026-12-01T10:00:00Z");

describe("Alertmanager's alerts", () => {
  it.each([
    ["HighErrorRate", "high_error_rate"],
    ["KubePodCrashLooping", "kube_pod_crash_looping"],
    ["disk full!", "disk_full"],
    ["P99Latency", "p99_latency"],
  ])("issue type of %s is %s", (name, type) => expect(issueType(name)).toBe(type));

  it("map labels to type, cell, service, severity; ignore alerts without a cell", () => {
    const out = mapAlertmanagerAlerts(
      {
        alerts: [
          {
            status: "firing",
            labels: { alertname: "HighErrorRate", cell: "smb-1", service: "sms", severity: "page" },
            annotations: {},
            fingerprint: "f1",
            startsAt: "2026-12-01T09:00:00Z",
          },
          { status: "resolved", labels: { alertname: "Watchdog" }, annotations: {}, fingerprint: "f2" },
        ],
      },
      { type: "alertname", cell: "cell", service: "service" },
    );
    expect(out[0]).toEqual({
      ok: true,
      alert: {
        type: "high_error_rate",
        cell: "smb-1",
        service: "sms",
        severity: "critical",
        summary: "HighErrorRate on smb-1",
        status: "firing",
        dedupKey: "am:f1",
        startedAt: new Date("2026-12-01T09:00:00Z"),
      },
    });
    expect(out[1]).toEqual({ ok: false, fingerprint: "f2", reason: "no cell label: Cellplane files alerts by cell" });
  });
});

describe("silences and inhibition", () => {
  const silence = (o: Partial<Silence>): Silence => ({
    id: "1",
    type: null,
    cells: [],
    service: null,
    severity: null,
    startsAt: new Date(now.getTime() - 1000),
    endsAt: new Date(now.getTime() + 1000),
    reason: "r",
    createdBy: "sre",
    ...o,
  });
  const alert = { type: "high_latency", cellId: "smb-eu-2", serviceId: "sms", severity: "critical" };
  it.each([
    [{ cells: ["smb-eu-*"] }, "silenced"],
    [{ cells: ["smb-us-*"] }, null],
    [{ type: "high_latency", service: "sms" }, "silenced"],
    [{ type: "no_data" }, null],
    [{ severity: "warning" as const }, null],
    [{ cells: ["smb-eu-*"], endsAt: now }, null],
  ])("silence %j → %s", (o, kind) => expect(muteOf(alert, [silence(o)], [], now)?.kind ?? null).toBe(kind));

  it("a deploying wave inhibits its release's services on its cells only", () => {
    const deploy = { release: "rel-1", wave: "canary", cells: ["smb-eu-2"], services: ["sms"], since: now };
    expect(muteOf(alert, [], [deploy], now)).toEqual({ kind: "inhibited", release: "rel-1", wave: "canary", since: now });
    expect(muteOf({ ...alert, serviceId: "voice" }, [], [deploy], now)).toBeNull();
    expect(muteOf({ ...alert, cellId: "smb-eu-3" }, [], [deploy], now)).toBeNull();
  });
});

describe("routing", () => {
  const group = (cells: string[], severity: AlertGroup["severity"] = "critical"): AlertGroup => ({
    type: "high_error_rate",
    severity,
    cells,
    services: ["sms"],
    firstSeen: now,
    alerts: cells.length,
    example: "sms 5xx",
    acknowledged: 0,
    lastAck: null,
  });
  const routes = parseRoutesYaml(
    'routes:\n  - { name: smb, tiers: [smb], target: "slack://sre" }\n  - { name: pd, severities: [critical], target: "https://pd.example/v2/enqueue", format: pagerduty, routingKey: K }\n',
  );
  const tiers = new Map([
    ["smb-1", "smb"],
    ["ent-1", "enterprise"],
  ]);
  it("announces a group once per route, with the cells the route takes", () => {
    const planned = planNotifications([group(["ent-1", "smb-1"])], routes, tiers, []);
    expect(planned.map((p) => [p.route, p.event, p.cells])).toEqual([
      ["smb", "alert_firing", ["smb-1"]],
      ["pd", "alert_firing", ["ent-1", "smb-1"]],
    ]);
    const sent = planned.map((p) => ({ route: p.route, type: p.type, cells: p.cells, status: "firing" as const }));
    expect(planNotifications([group(["ent-1", "smb-1"])], routes, tiers, sent)).toEqual([]);
    expect(planNotifications([group(["smb-1"], "warning")], routes, tiers, sent).map((p) => [p.route, p.event])).toEqual([
      ["pd", "alert_resolved"],
    ]);
    expect(planNotifications([], routes, tiers, sent).map((p) => [p.route, p.event])).toEqual([
      ["smb", "alert_resolved"],
      ["pd", "alert_resolved"],
    ]);
  });

  it("routes YAML: every problem with its line", () => {
    try {
      parseRoutesYaml("routes:\n  - { name: a, target: ftp://x }\n  - { name: b, target: slack://c, format: pagerduty }\n");
      expect.unreachable();
    } catch (e) {
      expect((e as SpecValidationError).errors.map((x) => `${x.line}:${x.field}`)).toEqual([
        "2:routes[0].target",
        "3:routes[1].routingKey",
      ]);
    }
  });
});

describe("examples/alert-routes.yaml", () => {
  it("reads", async () => {
    const fs = await import("node:fs");
    const routes = parseRoutesYaml(fs.readFileSync(`${import.meta.dirname}/../../examples/alert-routes.yaml`, "utf8"));
    expect(routes.map((r) => [r.name, r.format])).toEqual([
      ["oncall", "pagerduty"],
      ["smb-chat", "slack"],
      ["enterprise-chat", "slack"],
    ]);
  });
});
