import { describe, expect, it } from "vitest";
import { STALE_AFTER_MS } from "./model";
import { indexCapabilities, readinessFor, type CapabilityReport } from "./readiness";
import { minutes, T0 } from "./test-fixtures";

const cap = (cellId: string, apiVersion: string, lastMin: number, serviceId = "voice"): CapabilityReport => ({
  cellId,
  serviceId,
  apiVersion,
  firstReportedAt: minutes(-600),
  lastReportedAt: minutes(lastMin),
});
const CELLS = ["canary-us-internal", "smb-us-1", "enterprise-us-hipaa"];

describe("readiness gate: every active cell reports the capability, recently", () => {
  it.each<[string, CapabilityReport[], boolean, Record<string, string>, string]>([
    ["all cells report voice v2 now", CELLS.map((c) => cap(c, "v2", 0)), true, {}, "all 3 cells serve voice v2"],
    [
      "one cell reports only v1",
      [cap(CELLS[0]!, "v2", 0), cap(CELLS[1]!, "v2", 0), cap(CELLS[2]!, "v1", 0)],
      false,
      { "enterprise-us-hipaa": "missing" },
      "1 cell lacks voice v2",
    ],
    [
      "one cell's v2 report is older than the window",
      [cap(CELLS[0]!, "v2", 0), cap(CELLS[1]!, "v2", -16), cap(CELLS[2]!, "v2", 0)],
      false,
      { "smb-us-1": "stale" },
      "1 cell reported voice v2 over 15 min ago",
    ],
    [
      "a report exactly at the window's edge still counts",
      CELLS.map((c) => cap(c, "v2", -STALE_AFTER_MS / 60_000)),
      true,
      {},
      "all 3 cells serve voice v2",
    ],
    [
      "sms v2 does not make voice v2 ready",
      CELLS.map((c) => cap(c, "v2", 0, "sms")),
      false,
      { "canary-us-internal": "missing", "smb-us-1": "missing", "enterprise-us-hipaa": "missing" },
      "3 cells lack voice v2",
    ],
    [
      "a later report of v1 only does not hide a fresh v2 report (union within the window)",
      [...CELLS.map((c) => cap(c, "v2", -5)), ...CELLS.map((c) => cap(c, "v1", 0))],
      true,
      {},
      "all 3 cells serve voice v2",
    ],
  ])("%s", (_name, caps, ready, lagging, summary) => {
    const r = readinessFor("voice", "v2", CELLS, indexCapabilities(caps), T0);
    expect(r.ready).toBe(ready);
    expect(Object.fromEntries(r.lagging.map((c) => [c.cell, c.state]))).toEqual(lagging);
    expect(r.summary).toBe(summary);
    expect(r.readyCount + r.lagging.length).toBe(CELLS.length);
  });

  it("no active cells is not ready", () => {
    expect(readinessFor("voice", "v2", [], indexCapabilities([]), T0)).toMatchObject({ ready: false, summary: "no active cells" });
  });
});

describe("readiness from the versions cells run now", () => {
  const reported = (cellId: string, apiVersion: string, by: string, lastMin = 0): CapabilityReport => ({
    ...cap(cellId, apiVersion, lastMin),
    reportedVersion: by,
  });
  const running = (v: Record<string, string>) => Object.entries(v).map(([cellId, version]) => ({ cellId, serviceId: "voice", version }));

  it("a cell rolled back to a version that does not serve v2 is not ready at once, however fresh its last v2 report", () => {
    const caps = CELLS.map((c) => reported(c, "v2", "v3.2.0"));
    const now = running({ "canary-us-internal": "v3.2.0", "smb-us-1": "v3.1.2", "enterprise-us-hipaa": "v3.2.0" });
    const r = readinessFor("voice", "v2", CELLS, indexCapabilities(caps, now), T0);
    expect(r.ready).toBe(false);
    expect(r.lagging).toEqual([
      expect.objectContaining({ cell: "smb-us-1", state: "outdated", reportedVersion: "v3.2.0", runningVersion: "v3.1.2" }),
    ]);
    expect(r.summary).toBe("1 cell runs a version that does not serve voice v2 (smb-us-1 runs v3.1.2; v2 was reported by v3.2.0)");
  });

  it("a cell running the version that reported v2 is ready even when the report is older than the window", () => {
    const caps = CELLS.map((c) => reported(c, "v2", "v3.2.0", -120));
    const r = readinessFor("voice", "v2", CELLS, indexCapabilities(caps, running(Object.fromEntries(CELLS.map((c) => [c, "v3.2.0"])))), T0);
    expect(r.ready).toBe(true);
  });

  it("reports that name no version keep the window rule", () => {
    const r = readinessFor("voice", "v2", CELLS, indexCapabilities(CELLS.map((c) => cap(c, "v2", -16))), T0);
    expect(r.lagging.map((c) => c.state)).toEqual(["stale", "stale", "stale"]);
  });
});
