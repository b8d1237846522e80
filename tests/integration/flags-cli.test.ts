import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliOnSeededDatabase } from "../support/cli";
import { FLAGS_YAML } from "../support/yaml-fixtures";

const { db, tmp, cli } = cliOnSeededDatabase("flagscli", { password: "cellplane" });
const flags = () => db().count("feature_flags");

describe("npx cellplane import/export flags", () => {
  it("a bad file names file, line, field and reason for every problem; exit 1; nothing saved", async () => {
    const bad = path.join(tmp, "bad.yaml");
    fs.writeFileSync(
      bad,
      [
        "flags:",
        "  - key: newVoiceCodec",
        "    rolloutPercentage: 150",
        "    schedule:",
        "      - { at: 2026-12-02T00:00:00Z, percentage: 5 }",
        "      - { at: 2026-12-01T00:00:00Z, percentage: 25 }",
        "  - key: bad key",
        "",
      ].join("\n"),
    );
    const r = await cli(["import", "flags", bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:3: flags[0].rolloutPercentage: must be a whole number from 0 to 100`);
    expect(r.err).toContain(`${bad}:7: flags[1].key: must start with a letter`);
    expect(r.err).toContain("Nothing was changed");
    expect(await flags()).toBe(0);

    const order = path.join(tmp, "order.yaml");
    fs.writeFileSync(
      order,
      "flags:\n  - key: a\n    schedule:\n      - { at: 2026-12-02T00:00:00Z, percentage: 5 }\n      - { at: 2026-12-01T00:00:00Z, percentage: 25 }\n",
    );
    const o = await cli(["import", "flags", order]);
    expect(o.code).toBe(1);
    expect(o.err).toContain(`${order}:5: flags[0].schedule[1].at: not in time order`);

    const ghost = path.join(tmp, "ghost.yaml");
    fs.writeFileSync(ghost, "flags:\n  - key: a\n  - key: b\n    allowlist: [enterprise-customer-123, ghost-1]\n");
    const g = await cli(["import", "flags", ghost]);
    expect(g.code).toBe(1);
    expect(g.err).toContain(`${ghost}:4: flags[1].allowlist[1]: unknown customer "ghost-1"`);
    expect(await flags()).toBe(0);
  });

  it("imports a file, exports the same shape, and re-importing the export changes nothing", async () => {
    const file = path.join(tmp, "flags.yaml");
    fs.writeFileSync(file, FLAGS_YAML);
    const r = await cli(["import", "flags", file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("+ flag newVoiceCodec");
    expect(r.out).toContain("2 created, 0 changed, 0 unchanged");
    expect(await flags()).toBe(2);

    const exported = await cli(["export", "flags"]);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain("  - key: newVoiceCodec");
    expect(exported.out).toContain("    allowlist: [enterprise-customer-123]");
    expect(exported.out).toContain("      - { at: 2026-12-02T09:00:00.000Z, percentage: 5 }");
    const back = path.join(tmp, "exported.yaml");
    fs.writeFileSync(back, exported.out);
    const again = await cli(["import", "flags", back]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("0 created, 0 changed, 2 unchanged");
  });
});
