import { createHash } from "node:crypto";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { specErrors } from "@/tests/support/yaml-fixtures";
import { diffFleet, exportFleetYaml, parseFleetYaml } from "./fleet-yaml";

const SERVICES = ["sms", "voice", "video", "whatsapp", "email"];
const example = fs.readFileSync("examples/fleet.yaml", "utf8");

const errorsOf = (text: string) => specErrors(() => parseFleetYaml(text, SERVICES));

describe("parseFleetYaml", () => {
  it("reads the example fleet as written", () => {
    const spec = parseFleetYaml(example, SERVICES);
    expect(spec.services).toEqual(SERVICES);
    expect(spec.cells).toHaveLength(16);
    expect(spec.cells.filter((c) => c.tier === "smb")).toHaveLength(12);
    expect(spec.cells.find((c) => c.id === "enterprise-us-hipaa")).toEqual({
      id: "enterprise-us-hipaa",
      tier: "enterprise",
      region: "us-east-1",
      compliance: ["hipaa"],
    });
  });

  // examples/fleet.yaml is the seed's example byte for byte: the parser is held to the seed's text,
  // not to a copy edited until it parses. A deliberate change to the example updates the hash here.
  it("reads the seed's example (examples/fleet.yaml, unchanged) cell by cell", () => {
    expect(createHash("sha256").update(example).digest("hex")).toBe("2e6bd2368131aa90c529a294b9ecf24acaa8c35cc9608a93e0c685ffe4f9e346");
    const rows = parseFleetYaml(example, SERVICES).cells.map((c) => `${c.id} ${c.tier} ${c.region} [${c.compliance.join(",")}]`);
    expect(rows).toEqual([
      "canary-us-internal canary us-east-1 []",
      "smb-us-1 smb us-east-1 []",
      "smb-us-2 smb us-east-1 []",
      "smb-us-3 smb us-west-2 []",
      "smb-us-4 smb us-west-2 []",
      "smb-us-5 smb us-east-2 []",
      "smb-eu-1 smb eu-west-1 []",
      "smb-eu-2 smb eu-west-1 []",
      "smb-eu-3 smb eu-central-1 []",
      "smb-eu-4 smb eu-central-1 []",
      "smb-ap-1 smb ap-southeast-1 []",
      "smb-ap-2 smb ap-southeast-2 []",
      "smb-ap-3 smb ap-northeast-1 []",
      "enterprise-us-hipaa enterprise us-east-1 [hipaa]",
      "enterprise-us-standard enterprise us-east-2 []",
      "enterprise-eu-standard enterprise eu-west-1 [gdpr]",
    ]);
  });

  const head = "template:\n  services: [sms, voice]\ncells:\n";
  it.each([
    ["unknown tier", `${head}  - { id: a-1, tier: gold, region: r }\n`, 4, "cells[0].tier", /unknown tier "gold"/],
    [
      "duplicate id",
      `${head}  - { id: a-1, tier: smb, region: r }\n  - { id: a-1, tier: smb, region: r }\n`,
      5,
      "cells[1].id",
      /duplicate cell id "a-1" \(first defined on line 4\)/,
    ],
    ["bad id", `${head}  - { id: Smb_1, tier: smb, region: r }\n`, 4, "cells[0].id", /must match/],
    ["unknown service", "template:\n  services: [sms, fax]\ncells: []\n", 2, "template.services[1]", /unknown service "fax"/],
    ["missing region", `${head}  - id: a-1\n    tier: smb\n`, 4, "cells[0].region", /required/],
    ["unknown field", `${head}  - { id: a-1, tier: smb, region: r, size: xl }\n`, 4, "cells[0].size", /unknown field/],
    ["bad compliance", `${head}  - { id: a-1, tier: smb, region: r, compliance: hipaa }\n`, 4, "cells[0].compliance", /list of tags/],
    ["yaml syntax", "template:\n  services: [sms\ncells: []\n", undefined, "(yaml)", /./],
    ["no cells", "template:\n  services: [sms]\n", 1, "cells", /required/],
  ])("%s → line and field", (_name, text, line, field, message) => {
    const errs = errorsOf(text);
    const e = errs.find((x) => x.field === field);
    expect(e, JSON.stringify(errs)).toBeDefined();
    if (line !== undefined) expect(e!.line).toBe(line);
    else expect(e!.line).toBeGreaterThan(0);
    expect(e!.message).toMatch(message);
  });
});

describe("exportFleetYaml", () => {
  it("round-trips through the parser", () => {
    const spec = parseFleetYaml(example, SERVICES);
    expect(parseFleetYaml(exportFleetYaml(spec), SERVICES)).toEqual(spec);
  });
});

describe("diffFleet", () => {
  const spec = parseFleetYaml(example, SERVICES);
  const registry = { services: SERVICES, cells: spec.cells.map((c) => ({ ...c, status: "active" as const })) };
  it("is empty for the same fleet", () => {
    expect(diffFleet(registry, spec)).toEqual({ servicesAdded: [], servicesRemoved: [], added: [], removed: [], changed: [] });
  });
  it("reports adds, removals, field changes and re-activation", () => {
    const reg = { services: SERVICES, cells: registry.cells.map((c) => (c.id === "smb-us-1" ? { ...c, status: "retired" as const } : c)) };
    const desired = {
      services: ["sms", "voice"],
      cells: [...spec.cells.filter((c) => c.id !== "smb-us-2"), { id: "new-1", tier: "smb" as const, region: "x", compliance: [] }].map(
        (c) => (c.id === "smb-eu-1" ? { ...c, tier: "enterprise" as const } : c),
      ),
    };
    const d = diffFleet(reg, desired);
    expect(d.servicesRemoved).toEqual(["video", "whatsapp", "email"]);
    expect(d.added.map((c) => c.id)).toEqual(["new-1"]);
    expect(d.removed.map((c) => c.id)).toEqual(["smb-us-2"]);
    expect(d.changed).toEqual([
      { id: "smb-us-1", field: "status", from: "retired", to: "active" },
      { id: "smb-eu-1", field: "tier", from: "smb", to: "enterprise" },
    ]);
  });
});
