import { describe, expect, it } from "vitest";
import { changeMarkers } from "./markers";

const at = (min: number, sec = 0) => new Date(Date.UTC(2026, 11, 5, 10, min, sec));
const c = (min: number, kind: string, services: string[], summary: string, sec = 0) => ({
  at: at(min, sec),
  kind,
  cell: "smb-us-1",
  services,
  summary,
});

describe("chart markers", () => {
  const changes = [
    c(1, "flag", [], "flag x", 30),
    c(1, "version", ["sms"], "sms v1 → v2 now running", 10),
    c(5, "route", ["voice"], "POST /v2/Calls enabled"),
  ];

  it("one per bucket, at the bucket's start, coloured by the most telling kind, naming every change", () => {
    expect(changeMarkers(changes, 60_000)).toEqual([
      { t: at(1).getTime(), class: "version", count: 2, label: "10:01 version: sms v1 → v2 now running\n10:01 flag: flag x" },
      { t: at(5).getTime(), class: "other", count: 1, label: "10:05 route: POST /v2/Calls enabled" },
    ]);
  });

  it("on a service's chart: changes naming it, or naming none", () => {
    expect(changeMarkers(changes, 60_000, "sms").map((m) => m.count)).toEqual([2]);
    expect(changeMarkers(changes, 60_000, "voice").map((m) => m.label)).toEqual([
      "10:01 flag: flag x",
      "10:05 route: POST /v2/Calls enabled",
    ]);
  });

  it("a busy bucket lists a few and counts the rest", () => {
    const many = Array.from({ length: 9 }, (_, i) => c(2, "flag", [], `f${i}`, i));
    const [m] = changeMarkers(many, 60_000);
    expect(m!.count).toBe(9);
    expect(m!.label.split("\n")).toHaveLength(7);
    expect(m!.label).toContain("and 3 more");
  });

  it("in a busy bucket the version change is listed first, never cut off", () => {
    const busy = [
      ...Array.from({ length: 8 }, (_, i) => c(2, "route", [], `r${i}`, i)),
      c(2, "version", ["sms"], "sms v1 → v2 now running", 50),
    ];
    const [m] = changeMarkers(busy, 60_000);
    expect(m!.class).toBe("version");
    expect(m!.label.split("\n")[0]).toBe("10:02 version: sms v1 → v2 now running");
    expect(m!.label).toContain("and 3 more");
  });
});
