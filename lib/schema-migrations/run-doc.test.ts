import { describe, expect, it } from "vitest";
import { MalformedColumnError } from "@/lib/json-column";
import { newRun, start, tick } from "./machine";
import { parseRunDoc, parseStoredSpec } from "./run-doc";
import { exampleText, parseTestManifest } from "@/tests/support/yaml-fixtures";

const spec = parseTestManifest(exampleText("migration-manifest.yaml"));
const T0 = new Date("2026-01-01T00:00:00Z");
const stored = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("schema_migration_runs.doc and .spec", () => {
  it("read back what the machine and the import write, as stored", () => {
    const ready = newRun(spec);
    const running = tick(start(ready, "rm@x", T0, 1).state, { releases: {} }, T0).state;
    for (const s of [ready, running]) {
      const doc = stored(s.doc);
      expect(parseRunDoc(doc, "m-1")).toBe(doc);
    }
    const withScripts = stored({ ...spec, scripts: { "migrations/001_add_recipient_id.sql": "ALTER TABLE t ADD COLUMN c int", x: null } });
    expect(parseStoredSpec(withScripts, "m-1")).toBe(withScripts);
  });

  it("a malformed document or spec is a clear error naming the run and the field", () => {
    const doc = stored(newRun(spec).doc);
    doc.phases[1].type = "teleport";
    expect(() => parseRunDoc(doc, "m-2")).toThrow(MalformedColumnError);
    expect(() => parseRunDoc(doc, "m-2")).toThrow(/^schema_migration_runs\.doc of m-2 is malformed: phases\[1\]\.type: /);
    expect(() => parseStoredSpec(stored(spec), "m-2")).toThrow(/^schema_migration_runs\.spec of m-2 is malformed: scripts: /);
  });
});
