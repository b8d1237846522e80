import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { parseChannelLines, rolloutSettingsFromForm, thresholdsFromForm } from "./forms";
import { THRESHOLDS_FORM } from "./test-fixtures";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
};

describe("thresholdsFromForm", () => {
  it("turns percentages, minutes and days into the stored units", () => {
    expect(thresholdsFromForm(THRESHOLDS_FORM)).toEqual(DEFAULT_THRESHOLDS);
  });

  it("names the form's field when yellow exceeds red", () => {
    const e = refusal(() => thresholdsFromForm({ ...THRESHOLDS_FORM, yellowErrorPct: 2, yellowP99Ms: 2000 }));
    expect(e.code).toBe("INVALID");
    expect(e.fieldErrors).toEqual({
      yellowErrorPct: ["yellow error rate must not exceed red"],
      yellowP99Ms: ["yellow p99 must not exceed red"],
    });
  });
});

describe("parseChannelLines", () => {
  it("reads `channel = url` and `slack://channel = url`, skipping blank lines", () => {
    expect(parseChannelLines("releases = https://hooks.example/a\n\n  slack://on-call.eu = http://hooks.example/b  \n")).toEqual({
      channels: { releases: "https://hooks.example/a", "on-call.eu": "http://hooks.example/b" },
      problems: [],
    });
  });

  it("names each bad line by its number among the non-blank lines", () => {
    expect(parseChannelLines("ok = https://x\n\nOops = https://y\nnourl =\n").problems).toEqual([
      'line 2: expected "channel = https://…"',
      'line 3: expected "channel = https://…"',
    ]);
  });
});

describe("rolloutSettingsFromForm", () => {
  const rollouts = { channels: "", deployWebhook: "", deployTimeoutMin: 15, telemetryTimeoutMin: 5, noticeLeadHours: 24 };

  it("builds the stored settings", () => {
    expect(rolloutSettingsFromForm({ ...rollouts, channels: "releases = https://hooks.example/a" })).toEqual({
      ...rollouts,
      channels: { releases: "https://hooks.example/a" },
    });
  });

  it("refuses bad channel lines under `channels` and a bad webhook under its own field", () => {
    expect(refusal(() => rolloutSettingsFromForm({ ...rollouts, channels: "nope" })).fieldErrors).toEqual({
      channels: ['line 1: expected "channel = https://…"'],
    });
    expect(refusal(() => rolloutSettingsFromForm({ ...rollouts, deployWebhook: "ftp://x" })).fieldErrors).toEqual({
      deployWebhook: ["must be an http(s) URL or empty"],
    });
  });
});
