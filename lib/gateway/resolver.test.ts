import { describe, expect, it } from "vitest";
import { resolveRequest, substituteBackend } from "./resolver";
import { stored } from "./test-fixtures";

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const ROUTER = "https://cell-router.internal/";
const routes = [
  stored({ path: "/v1/Messages" }),
  stored({
    path: "/v0/Messages",
    version: "v1",
    backend: "${cell_router}/sms/v1/messages",
    status: "deprecated",
    aliasOf: "POST /v1/Messages",
    deprecationDate: day("2025-01-15"),
    sunsetDate: day("2025-06-01"),
    documentation: "https://docs.example.com/sms/v0",
  }),
  stored({ path: "/v1/Calls", status: "sunset", documentation: "https://docs.example.com/calls/v1" }),
  stored({ path: "/v2/Calls", status: "disabled" }),
  stored({ path: "/v2/Calls/{sid}", method: "GET", backend: "${cell_router}/voice/v2/calls/{sid}" }),
];

describe("how the edge answers", () => {
  it.each([
    ["POST", "/v1/Messages", 200, "routed", "https://cell-router.internal/sms/v1/messages", {}],
    ["post", "/v1/Messages/?x=1", 200, "routed", "https://cell-router.internal/sms/v1/messages", {}],
    [
      "POST",
      "/v0/Messages",
      200,
      "routed",
      "https://cell-router.internal/sms/v1/messages",
      {
        Deprecation: "@1736899200",
        Sunset: "Sun, 01 Jun 2025 00:00:00 GMT",
        Link: '<https://docs.example.com/sms/v0>; rel="deprecation", <https://docs.example.com/sms/v0>; rel="sunset"',
      },
    ],
    ["POST", "/v1/Calls", 410, "gone", null, { Link: '<https://docs.example.com/calls/v1>; rel="sunset"' }],
    ["POST", "/v2/Calls", 404, "not_found", null, {}],
    ["POST", "/v3/Faxes", 404, "not_found", null, {}],
    ["GET", "/v2/Calls/CA123", 200, "routed", "https://cell-router.internal/voice/v2/calls/CA123", {}],
    ["DELETE", "/v1/Messages", 405, "method_not_allowed", null, {}],
  ])("%s %s → %i", (method, path, status, outcome, backend, headers) => {
    const r = resolveRequest(routes, { method, path }, ROUTER);
    expect(r).toMatchObject({ status, outcome, backend, headers });
  });

  it("an alias says which route serves it; a disabled route is named in the 404 message", () => {
    expect(resolveRequest(routes, { method: "POST", path: "/v0/Messages" }, ROUTER).servedAs).toBe("POST /v1/Messages");
    expect(resolveRequest(routes, { method: "POST", path: "/v2/Calls" }, ROUTER).message).toContain("disabled at the edge");
    expect(resolveRequest(routes, { method: "DELETE", path: "/v1/Messages" }, ROUTER).allow).toEqual(["POST"]);
  });

  it("substitutes the cell router and parameters", () => {
    expect(substituteBackend("${cell_router}/voice/v2/calls/{sid}", "http://r:8080//", { sid: "a b" })).toBe(
      "http://r:8080/voice/v2/calls/a%20b",
    );
  });
});
