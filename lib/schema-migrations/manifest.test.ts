import { describe, expect, it } from "vitest";
import { deriveInverse, expandPattern, parseManifestYaml } from "./manifest";
import { FLEET } from "./test-fixtures";
import { exampleText, specErrors } from "@/tests/support/yaml-fixtures";

const example = exampleText("migration-manifest.yaml");

const ctx = { fleet: FLEET, pipelines: ["standard"], services: ["sms", "voice"] };

const errorsOf = (text: string) => specErrors(() => parseManifestYaml(text, ctx));

describe("migration manifests", () => {
  it("imports the seed's example as written", () => {
    const spec = parseManifestYaml(example, ctx);
    expect(spec.id).toBe("2025-01-15-recipient-id-column");
    expect(spec.phases.map((p) => `${p.name}:${p.type}`)).toEqual([
      "expand:schema",
      "migrate-code:deployment",
      "backfill:data",
      "migrate-code-readonly:deployment",
      "contract:schema",
    ]);
    const expand = spec.phases[0]!;
    if (expand.type !== "schema") throw new Error("schema");
    expect(expand.steps.map((s) => s.cells)).toEqual([
      ["canary-us-internal"],
      ["smb-us-1", "smb-us-2"],
      ["smb-eu-1", "smb-eu-2", "smb-us-3"],
      ["enterprise-eu-standard", "enterprise-us-hipaa"],
    ]);
    expect(expand.steps.map((s) => s.waitMs / 3_600_000)).toEqual([1, 4, 24, 48]);
    expect(expand.steps[3]!.requiresApproval).toBe(true);
    expect(expand.irreversible).toBe(false);
    const contract = spec.phases[4]!;
    expect(contract.type === "schema" && contract.irreversible && contract.steps[2]!.waitMs).toBe(168 * 3_600_000);
    expect(spec.phases[2]).toMatchObject({
      type: "data",
      parallelCells: 3,
      checkpointInterval: 10_000,
      script: "migrations/001_backfill_recipient_id.py",
      maxRowsPerSecond: null,
    });
    expect(spec.phases[1]).toMatchObject({ type: "deployment", version: "v2.5.0", pipeline: "standard", service: "sms" });
  });

  it.each([
    ["unknown phase type", example.replace("type: data", "type: magic"), 28, "phases[2].type", /unknown phase type "magic"/],
    [
      "a glob matching no cell",
      example.replace("cells: [enterprise-*]\n          wait: 48h", "cells: [premium-*]\n          wait: 48h"),
      18,
      "phases[0].rollout[3].cells[0]",
      /glob premium-\* matches no cell/,
    ],
    [
      "an unknown cell id",
      example.replace("cells: [smb-us-1, smb-us-2]", "cells: [smb-us-1, smb-us-9]"),
      14,
      "phases[0].rollout[1].cells[1]",
      /unknown cell smb-us-9/,
    ],
    [
      "a cell missing from every step",
      example.replace("        - cells: [enterprise-*]\n          wait: 48h\n          requires_approval: true\n", ""),
      11,
      "phases[0].rollout",
      /cells enterprise-eu-standard, enterprise-us-hipaa are missing from every step of phase expand/,
    ],
    [
      "unknown pipeline",
      example.replace("rollout: standard  # Normal", "rollout: express  # Normal"),
      25,
      "phases[1].rollout",
      /unknown pipeline "express"/,
    ],
    ["a bad wait", example.replace("wait: 4h", "wait: soon"), 15, "phases[0].rollout[1].wait", /duration/],
    [
      "parallel_cells not a number",
      example.replace("parallel_cells: 3", "parallel_cells: three"),
      30,
      "phases[2].parallel_cells",
      /whole number/,
    ],
    [
      "max_rows_per_second below 1",
      example.replace("parallel_cells: 3", "parallel_cells: 3\n      max_rows_per_second: 0"),
      31,
      "phases[2].max_rows_per_second",
      /whole number from 1/,
    ],
  ])("refuses %s with its line and field", (_n, text, line, field, message) => {
    const errs = errorsOf(text);
    expect(errs).toContainEqual(expect.objectContaining({ line, field, message: expect.stringMatching(message) }));
  });

  it("reads a backfill's max_rows_per_second", () => {
    const spec = parseManifestYaml(example.replace("parallel_cells: 3", "parallel_cells: 3\n      max_rows_per_second: 5000"), ctx);
    expect(spec.phases[2]).toMatchObject({ type: "data", maxRowsPerSecond: 5000 });
  });

  it("refuses contract before expand", () => {
    const swapped = `migration:
  id: m1
  phases:
    - name: contract
      type: schema
      script: a.sql
      rollout: [{ cells: ["*"] }]
    - name: expand
      type: schema
      script: b.sql
      rollout: [{ cells: ["*"] }]
`;
    expect(errorsOf(swapped)).toContainEqual({
      line: 4,
      field: "phases[0].name",
      message: "contract (phases[0]) comes before expand (phases[1]); expand first, contract last",
    });
  });

  it("names a missing script file", () => {
    expect(() => parseManifestYaml(example, { ...ctx, scripts: { "migrations/001_add_recipient_id.sql": null } })).toThrow(
      /:10: phases\[0\]\.script: no such script/,
    );
  });

  it("expands globs against the fleet in rollout order", () => {
    expect(expandPattern("smb-*", FLEET)).toEqual(["smb-eu-1", "smb-eu-2", "smb-us-1", "smb-us-2", "smb-us-3"]);
    expect(expandPattern("*-standard", FLEET)).toEqual(["enterprise-eu-standard"]);
    expect(expandPattern("smb-us-1", FLEET)).toEqual(["smb-us-1"]);
    expect(expandPattern("voice-*", FLEET)).toEqual([]);
  });

  it("derives the inverse of an ADD COLUMN", () => {
    expect(deriveInverse("-- add\nALTER TABLE messages ADD COLUMN recipient_id TEXT;\n")).toBe(
      "ALTER TABLE messages DROP COLUMN IF EXISTS recipient_id",
    );
    expect(deriveInverse("ALTER TABLE messages DROP COLUMN to_phone")).toBeNull();
  });
});
