import { describe, expect, it } from "vitest";
import { classifyReading } from "@/lib/health/classify";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { DEFAULT_CAPABILITIES } from "./capabilities";
import { advanceFleet, applyDesired, buildSamples, reconcileFleet, type FleetCellView, type SimFleet } from "./engine";
import type { Fault } from "./faults";
import { seededRandom } from "./random";

const svc = (service: string, observedVersion: string | null, desiredVersion: string | null = observedVersion) => ({
  service,
  observedVersion,
  desiredVersion,
});

const view: FleetCellView[] = [
  { id: "canary-us-internal", tier: "canary", region: "us-east-1", services: [svc("sms", "v2.4.0"), svc("voice", "v3.1.2")] },
  { id: "smb-us-1", tier: "smb", region: "us-east-1", services: [svc("sms", "v2.4.0"), svc("voice", "v3.1.2")] },
  { id: "smb-eu-1", tier: "smb", region: "eu-west-1", services: [svc("sms", "v2.4.0"), svc("voice", "v3.1.2")] },
  { id: "smb-new-1", tier: "smb", region: "eu-west-1", services: [svc("sms", null, null), svc("voice", null, "v3.2.0")] },
];

const NOW = Date.parse("2026-06-01T15:00:00Z");
const tickAt = (fleet: SimFleet, ms: number, faults: Fault[] = [], seed = "t") =>
  buildSamples(fleet, { now: new Date(ms), seed, intervalMs: 5_000, faults, capabilities: DEFAULT_CAPABILITIES });

function fresh(): SimFleet {
  const fleet: SimFleet = new Map();
  reconcileFleet(fleet, view);
  return fleet;
}

describe("reconcileFleet", () => {
  it("starts cells on what they last reported, else what they should run, else the fleet's common version", () => {
    const fleet: SimFleet = new Map();
    expect(reconcileFleet(fleet, view)).toEqual({ added: view.map((c) => c.id), retired: [] });
    expect(fleet.get("smb-us-1")!.deployments.get("sms")).toEqual({ running: "v2.4.0" });
    expect(fleet.get("smb-new-1")!.deployments.get("sms")).toEqual({ running: "v2.4.0" });
    expect(fleet.get("smb-new-1")!.deployments.get("voice")).toEqual({ running: "v3.2.0" });
  });

  it("keeps what known cells run, retires missing cells, follows service changes", () => {
    const fleet = fresh();
    fleet.get("smb-us-1")!.deployments.set("sms", { running: "v2.5.0" });
    const next: FleetCellView[] = [
      { ...view[1]!, region: "us-east-2", services: [svc("sms", "v2.4.0"), svc("email", "v4.0.1")] },
      { id: "smb-ap-9", tier: "smb", region: "ap-southeast-1", services: [svc("sms", null, null)] },
    ];
    expect(reconcileFleet(fleet, next)).toEqual({ added: ["smb-ap-9"], retired: ["canary-us-internal", "smb-eu-1", "smb-new-1"] });
    const cell = fleet.get("smb-us-1")!;
    expect(cell.region).toBe("us-east-2");
    expect([...cell.deployments]).toEqual([
      ["sms", { running: "v2.5.0" }],
      ["email", { running: "v4.0.1" }],
    ]);
  });
});

describe("convergence to desired versions", () => {
  it("switches after the delay and reports the new version and its API capabilities from then on", () => {
    const fleet = fresh();
    const cell = fleet.get("smb-us-1")!;
    const scheduled = applyDesired(cell, { sms: "v2.4.0", voice: "v3.2.0" }, NOW, seededRandom(1), { minS: 2, maxS: 8 });
    expect(scheduled).toHaveLength(1);
    const { at } = scheduled[0]!;
    expect(scheduled[0]).toMatchObject({ cell: "smb-us-1", service: "voice", from: "v3.1.2", to: "v3.2.0" });
    expect(at - NOW).toBeGreaterThanOrEqual(2_000);
    expect(at - NOW).toBeLessThanOrEqual(8_000);
    // polled again before the switch: nothing new is scheduled
    expect(applyDesired(cell, { sms: "v2.4.0", voice: "v3.2.0" }, NOW + 1_000, seededRandom(2), { minS: 2, maxS: 8 })).toEqual([]);

    const voice = (ms: number) => tickAt(fleet, ms).samples.find((s) => s.cell === "smb-us-1" && s.service === "voice")!;
    expect(advanceFleet(fleet, at - 1)).toEqual([]);
    expect(voice(at - 1)).toMatchObject({ version: "v3.1.2", apiVersions: ["v1"] });
    expect(advanceFleet(fleet, at)).toEqual([{ cell: "smb-us-1", service: "voice", from: "v3.1.2", to: "v3.2.0" }]);
    expect(voice(at)).toMatchObject({ version: "v3.2.0", apiVersions: ["v1", "v2"] });
  });
});

describe("buildSamples", () => {
  it("sends one green sample per cell × service with version and API versions", () => {
    const { samples, silentCells } = tickAt(fresh(), NOW);
    expect(samples).toHaveLength(8);
    expect(silentCells).toEqual([]);
    for (const s of samples) {
      expect(s.ts).toBe(NOW);
      expect(s.version).toMatch(/^v\d/);
      expect(classifyReading(s, DEFAULT_THRESHOLDS).status).toBe("green");
    }
    expect(samples.find((s) => s.service === "sms")!.apiVersions).toEqual(["v1", "v2"]);
  });

  it("is reproducible from the seed, whatever else the fleet holds", () => {
    const a = tickAt(fresh(), NOW).samples.find((s) => s.cell === "smb-eu-1")!;
    const small: SimFleet = new Map();
    reconcileFleet(small, [view[2]!]);
    expect(tickAt(small, NOW).samples.find((s) => s.cell === "smb-eu-1")).toEqual(a);
    expect(tickAt(small, NOW, [], "another seed").samples.find((s) => s.cell === "smb-eu-1")).not.toEqual(a);
  });

  it("applies faults: a bad version only where it runs, a regional latency spike, a silent cell", () => {
    const fleet = fresh();
    fleet.get("smb-eu-1")!.deployments.set("sms", { running: "v2.5.1" });
    const faults: Fault[] = [
      { kind: "bad-version", service: "sms", version: "v2.5.1", errorRate: 0.05, cells: "smb-*" },
      { kind: "latency", region: "us-east-1", p99Ms: 1800, service: "voice", cells: "*" },
      { kind: "silent", cell: "smb-new-*", service: "*" },
    ];
    const { samples, silentCells } = tickAt(fleet, NOW, faults);
    const status = (cell: string, service: string) => {
      const s = samples.find((x) => x.cell === cell && x.service === service);
      return s ? classifyReading(s, DEFAULT_THRESHOLDS).status : "silent";
    };
    expect(silentCells).toEqual(["smb-new-1"]);
    expect({
      eu1sms: status("smb-eu-1", "sms"),
      us1sms: status("smb-us-1", "sms"),
      eu1voice: status("smb-eu-1", "voice"),
      us1voice: status("smb-us-1", "voice"),
      canaryVoice: status("canary-us-internal", "voice"),
      new1sms: status("smb-new-1", "sms"),
    }).toEqual({ eu1sms: "red", us1sms: "green", eu1voice: "green", us1voice: "red", canaryVoice: "red", new1sms: "silent" });
  });
});
