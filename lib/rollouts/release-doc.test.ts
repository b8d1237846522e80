import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { MalformedColumnError } from "@/lib/json-column";
import { command, DEFAULT_ENGINE_CONFIG, newRelease, tick, type WavePlan } from "./engine";
import { parsePipelineYaml } from "./pipeline-yaml";
import { parsePipelineSpec, parseReleaseDoc } from "./release-doc";
import { wavePlan } from "./test-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const t0 = new Date("2026-11-26T09:00:00Z");
const wave = (name: string, cells: string[], o: Partial<WavePlan> = {}) =>
  wavePlan(name, cells, { checks: [{ kind: "error_rate", max: 0.001, source: "error_rate < 0.1%" }], ...o });
/** A stored document: what JSON makes of it in the column. */
const stored = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("releases.doc", () => {
  const doc = newRelease([wave("canary", ["c-1"]), wave("ent", ["e-1"], { requiresApproval: true })], { sms: "v2" }, "rm@x", t0);
  const obs = { observed: {}, desired: {}, freezes: [], windows: {}, thresholds: { errorRate: 0.01, p99Ms: 1000 } };

  it("reads back every state the engine writes, as stored (nothing stripped or rewritten)", () => {
    const paused = command(doc, { kind: "pause", by: "sre@x", reason: "look" }, t0).doc;
    const deploying = tick(doc, obs, t0, DEFAULT_ENGINE_CONFIG).doc;
    for (const d of [doc, paused, deploying]) {
      const value = { ...stored(d), addedLater: 1 };
      expect(parseReleaseDoc(value, "rel-1")).toBe(value);
    }
  });

  it.each([
    [(d: Record<string, unknown>) => ({ ...d, status: "exploded" }), /status: Invalid option/],
    [(d: Record<string, unknown>) => ({ ...d, waves: "none" }), /waves: Invalid input: expected array/],
    [
      (d: Record<string, unknown>) => ({ ...d, waves: [{ ...(d.waves as object[])[0], state: "LOST" }] }),
      /waves\[0\]\.state: Invalid option/,
    ],
    [() => null, /\(value\): Invalid input: expected object/],
  ])("a malformed document is a clear error naming the row and the field (%#)", (mutate, message) => {
    const run = () => parseReleaseDoc(mutate(stored(doc)), "rel-7");
    expect(run).toThrow(MalformedColumnError);
    expect(run).toThrow(/^releases\.doc of rel-7 is malformed: /);
    expect(run).toThrow(message);
  });
});

describe("pipelines.spec", () => {
  const text = fs.readFileSync(path.join(ROOT, "examples/fleet.yaml"), "utf8");
  const fleet = parseFleetYaml(text, ["sms", "voice", "video", "whatsapp", "email"]).cells;
  it("reads back both example pipelines as parsed", () => {
    for (const file of ["standard-pipeline.yaml", "deployment-pipeline.yaml"]) {
      const { spec } = parsePipelineYaml(fs.readFileSync(path.join(ROOT, "examples", file), "utf8"), fleet, { id: "p" });
      expect(parsePipelineSpec(stored(spec), "p")).toEqual(spec);
    }
  });
  it("a wave with an unknown selector kind is refused with its path", () => {
    const spec = { id: "p", name: "P", description: "", waves: [{ ...wave("w", []), selectors: [{ kind: "moon" }] }] };
    expect(() => parsePipelineSpec(spec, "p")).toThrow(/^pipelines\.spec of p is malformed: waves\[0\]\.selectors\[0\]/);
  });
});
