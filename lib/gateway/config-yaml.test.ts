import { describe, expect, it } from "vitest";
import type { SpecError } from "@/lib/yaml-errors";
import { exampleText, SERVICES, specErrors } from "@/tests/support/yaml-fixtures";
import { exportGatewayConfig, exportGatewayYaml, parseGatewayYaml } from "./config-yaml";
import { edgeHeaders } from "./headers";
import { routeKey } from "./model";

const NOW = new Date("2026-11-26T10:00:00Z");
const example = exampleText("api-gateway-config.yaml");

const errorsOf = (text: string) => specErrors(() => parseGatewayYaml(text, SERVICES, NOW));

describe("importing examples/api-gateway-config.yaml as written", () => {
  const { routes, warnings } = parseGatewayYaml(example, SERVICES, NOW);
  const byKey = new Map(routes.map((r) => [routeKey(r), r]));

  it("reads all five routes, in file order, as POST routes with service and version from the backend", () => {
    expect(routes.map((r) => [routeKey(r), r.status, r.service, r.version, r.resource])).toEqual([
      ["POST /v1/Messages", "active", "sms", "v1", "Messages"],
      ["POST /v2/Messages", "active", "sms", "v2", "Messages"],
      ["POST /v0/Messages", "deprecated", "sms", "v1", "Messages"],
      ["POST /v1/Calls", "active", "voice", "v1", "Calls"],
      ["POST /v2/Calls", "disabled", "voice", "v2", "Calls"],
    ]);
  });

  it("accepts deprecation_date: null and reads introduced as a date", () => {
    expect(byKey.get("POST /v1/Messages")!.deprecationDate).toBeNull();
    expect(byKey.get("POST /v2/Messages")!.introduced).toEqual(new Date("2025-01-15T00:00:00Z"));
  });

  it("records /v0/Messages as an internal alias of /v1/Messages (same backend)", () => {
    const v0 = byKey.get("POST /v0/Messages")!;
    expect(v0.aliasOf).toBe("POST /v1/Messages");
    expect(v0.backend).toBe("${cell_router}/sms/v1/messages");
    expect(routes.filter((r) => r.aliasOf).length).toBe(1);
  });

  it('converts the legacy Deprecation: "true" to a date (the successor\'s introduction) with a warning, and keeps the sunset', () => {
    const v0 = byKey.get("POST /v0/Messages")!;
    expect(v0.deprecationDate).toEqual(new Date("2025-01-15T00:00:00Z"));
    expect(v0.sunsetDate).toEqual(new Date("2025-06-01T00:00:00Z"));
    const legacy = warnings.find((w) => w.field === "routes[2].response_headers.Deprecation")!;
    expect(legacy.line).toBe(19);
    expect(legacy.message).toContain('legacy value "true" converted');
    expect(legacy.message).toContain("POST /v2/Messages");
    expect(legacy.message).toContain("@1736899200");
    const weekday = warnings.find((w) => w.field === "routes[2].response_headers.Sunset")!;
    expect(weekday.line).toBe(20);
    expect(weekday.message).toContain("wrong weekday");
    expect(edgeHeaders(v0)).toEqual({ Deprecation: "@1736899200", Sunset: "Sun, 01 Jun 2025 00:00:00 GMT" });
  });

  it("never emits the legacy value: the export carries the RFC 9745 date", () => {
    const yaml = exportGatewayYaml(routes);
    expect(yaml).not.toMatch(/Deprecation: "true"/);
    expect(yaml).toContain('Deprecation: "@1736899200"');
    expect(yaml).toContain('Sunset: "Sun, 01 Jun 2025 00:00:00 GMT"');
  });

  it("exports in the same shape and re-imports to the same table, with no warnings the second time", () => {
    const yaml = exportGatewayYaml(routes, { version: 3 });
    const again = parseGatewayYaml(yaml, SERVICES, new Date("2030-01-01T00:00:00Z"));
    expect(again.routes).toEqual(routes);
    expect(again.warnings).toEqual([]);
    const json = JSON.stringify(exportGatewayConfig(routes));
    expect(parseGatewayYaml(json, SERVICES, NOW).routes).toEqual(routes);
    expect(exportGatewayConfig(routes).routes[0]).toEqual({
      path: "/v1/Messages",
      status: "active",
      backend: "${cell_router}/sms/v1/messages",
    });
    expect(yaml).toContain("# handlers deployed to cells, not yet enabled at the edge");
  });
});

const ok = (routes: string) => `routes:\n${routes}`;
/** A message that contains this text (an asymmetric matcher standing in for the string). */
const containing = (text: string) => expect.stringContaining(text) as unknown as string;

describe("refusals name the line, the field and the reason, and return nothing", () => {
  it.each<[string, string, Partial<SpecError>]>([
    [
      "sunset before deprecation",
      ok(
        "  - path: /v1/Calls\n    status: deprecated\n    backend: ${cell_router}/voice/v1/calls\n    deprecation_date: 2025-06-01\n    sunset_date: 2025-01-01\n",
      ),
      {
        line: 6,
        field: "routes[0].sunset_date",
        message: containing("sunset 2025-01-01 precedes deprecation 2025-06-01"),
      },
    ],
    [
      "unknown service",
      ok("  - path: /v1/Faxes\n    status: active\n    backend: ${cell_router}/fax/v1/faxes\n"),
      { line: 4, field: "routes[0].service", message: containing('unknown service "fax"') },
    ],
    [
      "duplicate method + path",
      ok(
        "  - path: /v1/Calls\n    status: active\n    backend: ${cell_router}/voice/v1/calls\n  - path: /v1/Calls\n    status: disabled\n    backend: ${cell_router}/voice/v1/calls\n",
      ),
      { line: 5, field: "routes[1].path", message: "duplicate route POST /v1/Calls (first defined on line 2)" },
    ],
    [
      "malformed date",
      ok("  - path: /v2/Calls\n    status: active\n    backend: ${cell_router}/voice/v2/calls\n    introduced: 2025-02-30\n"),
      { line: 5, field: "routes[0].introduced", message: containing('malformed date "2025-02-30"') },
    ],
    [
      "unknown status",
      ok("  - path: /v2/Calls\n    status: enabled\n    backend: ${cell_router}/voice/v2/calls\n"),
      { line: 3, field: "routes[0].status", message: containing('unknown status "enabled"') },
    ],
    [
      "unknown field",
      ok("  - path: /v2/Calls\n    status: active\n    backend: ${cell_router}/voice/v2/calls\n    timeout: 30\n"),
      { line: 5, field: "routes[0].timeout", message: containing("unknown field") },
    ],
    [
      "a path without a version segment",
      ok("  - path: /Calls\n    status: active\n    backend: ${cell_router}/voice/v2/calls\n"),
      { line: 2, field: "routes[0].path", message: containing("version segment") },
    ],
    [
      "a malformed Deprecation header",
      ok(
        "  - path: /v1/Calls\n    status: deprecated\n    backend: ${cell_router}/voice/v1/calls\n    response_headers:\n      Deprecation: yesterday\n",
      ),
      { line: 6, field: "routes[0].response_headers.Deprecation", message: containing("RFC 9745") },
    ],
    [
      "a Sunset header that disagrees with sunset_date",
      ok(
        '  - path: /v1/Calls\n    status: deprecated\n    backend: ${cell_router}/voice/v1/calls\n    sunset_date: 2025-07-01\n    response_headers:\n      Sunset: "Sun, 01 Jun 2025 00:00:00 GMT"\n',
      ),
      {
        line: 7,
        field: "routes[0].response_headers.Sunset",
        message: containing("disagrees with sunset_date 2025-07-01"),
      },
    ],
    [
      "a deprecation date on an active route",
      ok("  - path: /v1/Calls\n    status: active\n    backend: ${cell_router}/voice/v1/calls\n    deprecation_date: 2025-07-01\n"),
      { line: 5, field: "routes[0].deprecation_date", message: containing("this route is active") },
    ],
    [
      "an alias of a route that is not in the file",
      ok(
        "  - path: /v0/Calls\n    status: deprecated\n    backend: ${cell_router}/voice/v1/calls\n    deprecation_date: 2025-01-01\n    alias_of: /v1/Calls\n",
      ),
      { line: 6, field: "routes[0].alias_of", message: "no route POST /v1/Calls in this file" },
    ],
    ["YAML syntax", "routes:\n  - path: [unclosed\n", { field: "(yaml)" }],
    ["no routes", "paths: []\n", { line: 1, field: "paths" }],
  ])("%s", (_name, text, want) => {
    const errors = errorsOf(text);
    expect(errors).toContainEqual(expect.objectContaining(want));
  });

  it("reports every problem of a file at once, sorted by line", () => {
    const errors = errorsOf(
      example
        .replace("backend: ${cell_router}/voice/v1/calls", "backend: ${cell_router}/fax/v1/calls")
        .replace("introduced: 2025-01-15", "introduced: 2025-01-32"),
    );
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [12, "routes[1].introduced"],
      [24, "routes[3].service"],
    ]);
  });

  it("accepts an explicit method, service and version consistent with the backend", () => {
    const { routes } = parseGatewayYaml(
      ok(
        "  - path: /v2/Calls/{sid}\n    method: GET\n    service: voice\n    version: v2\n    status: active\n    backend: ${cell_router}/voice/v2/calls/{sid}\n",
      ),
      SERVICES,
      NOW,
    );
    expect(routes[0]).toMatchObject({ method: "GET", path: "/v2/Calls/{sid}", service: "voice", version: "v2", resource: "Calls" });
  });

  it("a legacy Deprecation without any successor is dated at the import time, capped by the sunset date", () => {
    const text = ok(
      '  - path: /v1/Calls\n    status: deprecated\n    backend: ${cell_router}/voice/v1/calls\n    response_headers:\n      Deprecation: "true"\n',
    );
    expect(parseGatewayYaml(text, SERVICES, NOW).routes[0]!.deprecationDate).toEqual(NOW);
    const capped = `${text}    sunset_date: 2025-06-01\n`;
    expect(parseGatewayYaml(capped, SERVICES, NOW).routes[0]!.deprecationDate).toEqual(new Date("2025-06-01T00:00:00Z"));
  });
});
