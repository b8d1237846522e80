import { describe, expect, it } from "vitest";
import { exampleFleetCells, exampleText } from "@/tests/support/yaml-fixtures";
import { exportPipelineYaml, parsePipelineYaml } from "./pipeline-yaml";
import { notifyTargetErrors, redactPipelineSpec, redactStoredPipeline, restoreRedactedTargets } from "./notify-targets";

const FLEET = exampleFleetCells();
const SECRET = "https://hooks.example.com/services/T0/B0/s3cr3t";
const file = exampleText("standard-pipeline.yaml")
  .replace("notify: slack://enterprise-releases", `notify: ${SECRET}`)
  .replace("    select: rest of smb", "    notify: slack://smb-releases\n    select: rest of smb");
const stored = parsePipelineYaml(file, FLEET, { id: "p" }).spec;

describe("redacting a pipeline", () => {
  it("redacts https targets, keeps channels", () => {
    expect(redactPipelineSpec(stored).waves.map((w) => w.notify)).toEqual([
      null,
      null,
      "slack://smb-releases",
      "https://hooks.example.com/…",
    ]);
    const shown = redactStoredPipeline({ id: "p", spec: stored, source: file });
    expect(shown.source).not.toContain("s3cr3t");
    expect(shown.source).toContain("notify: https://hooks.example.com/…");
    expect(shown.source).toContain("notify: slack://smb-releases");
  });
});

describe("restoreRedactedTargets: an exported (redacted) file imported again", () => {
  const exported = exportPipelineYaml(redactPipelineSpec(stored));
  const reparsed = parsePipelineYaml(exported, FLEET, { id: "p" }).spec;

  it("keeps the stored target for the same wave", () => {
    expect(exported).not.toContain("s3cr3t");
    const r = restoreRedactedTargets(reparsed, stored, exported);
    expect(r.errors).toEqual([]);
    expect(r.spec).toEqual(stored);
  });

  it("a renamed wave keeps the only stored target that redacts the same", () => {
    const renamed = exported.replace("name: enterprise", "name: enterprise-eu");
    const r = restoreRedactedTargets(parsePipelineYaml(renamed, FLEET, { id: "p" }).spec, stored, renamed);
    expect(r.errors).toEqual([]);
    expect(r.spec.waves[3]!.notify).toBe(SECRET);
  });

  it("a redacted target nothing stored matches is an error naming line and field", () => {
    const other = exported.replace("https://hooks.example.com/…", "https://other.example.com/…");
    const line = other.split("\n").findIndex((l) => l.includes("other.example.com")) + 1;
    expect(restoreRedactedTargets(parsePipelineYaml(other, FLEET, { id: "p" }).spec, stored, other).errors).toEqual([
      {
        line,
        field: "waves[3].notify",
        message: "https://other.example.com/… is a redacted URL and no stored target of this pipeline matches it; write the whole URL",
      },
    ]);
    expect(restoreRedactedTargets(reparsed, null, exported).errors).toHaveLength(1);
  });
});

describe("notifyTargetErrors", () => {
  it("names the wave's line and field and the host, never the secret", () => {
    const errors = notifyTargetErrors(stored, { hosts: ["hooks.slack.com"], source: "settings" }, file);
    expect(errors).toEqual([
      {
        line: file.split("\n").findIndex((l) => l.includes(SECRET)) + 1,
        field: "waves[3].notify",
        message: "wave enterprise: host hooks.example.com is not on the outbound allowlist (Settings → Outbound calls)",
      },
    ]);
    expect(notifyTargetErrors(stored, { hosts: ["hooks.example.com"], source: "settings" }, file)).toEqual([]);
  });
});
