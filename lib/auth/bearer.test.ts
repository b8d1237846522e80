import { describe, expect, it } from "vitest";
import { cellsRefused, credentialOf, decideToken, parseCellBinding, type StoredToken, tokenCovers } from "./bearer";

const NOW = Date.parse("2026-12-01T09:00:00Z");
const row = (o: Partial<StoredToken> = {}): StoredToken => ({
  name: "agent",
  scopes: ["telemetry:write"],
  cells: [],
  revokedAt: null,
  expiresAt: null,
  ...o,
});
const token = credentialOf("Bearer cp_abcdefghijklmnop");

describe("credentialOf", () => {
  it.each([
    [null, undefined, { kind: "missing" }],
    ["", "", { kind: "missing" }],
    ["Bearer cp_abcdefghijklmnop", undefined, { kind: "token", token: "cp_abcdefghijklmnop" }],
    ["bearer   cp_abcdefghijklmnop", undefined, { kind: "token", token: "cp_abcdefghijklmnop" }],
    [null, " cp_abcdefghijklmnop ", { kind: "token", token: "cp_abcdefghijklmnop" }],
    ["Basic dXNlcjpwYXNz", undefined, { kind: "malformed" }],
    ["Bearer", undefined, { kind: "malformed" }],
    ["Bearer two tokens", undefined, { kind: "malformed" }],
    ["Bearer short", undefined, { kind: "malformed" }],
    [`Bearer ${"x".repeat(201)}`, undefined, { kind: "malformed" }],
    ["Bearer cp_abc\u0000defghijk", undefined, { kind: "malformed" }],
    [null, "not a token", { kind: "malformed" }],
  ])("%j / X-API-Key %j → %j", (auth, key, want) => {
    expect(credentialOf(auth, key)).toMatchObject(want);
  });

  it("prefers the Authorization header", () => {
    expect(credentialOf("Bearer cp_fromTheHeader1", "cp_fromTheApiKey1")).toEqual({ kind: "token", token: "cp_fromTheHeader1" });
  });
});

describe("decideToken: the one set of rules", () => {
  it.each([
    ["missing", credentialOf(null), undefined, "telemetry:write", { ok: false, status: 401, error: "missing bearer token" }],
    ["malformed", credentialOf("Basic x"), undefined, "telemetry:write", { ok: false, status: 401 }],
    ["unknown", token, undefined, "telemetry:write", { ok: false, status: 401, error: "unknown or revoked token" }],
    ["revoked", token, row({ revokedAt: new Date(NOW - 1) }), "telemetry:write", { ok: false, status: 401 }],
    [
      "expired",
      token,
      row({ expiresAt: new Date(NOW) }),
      "telemetry:write",
      { ok: false, status: 401, error: "token expired at 2026-12-01T09:00:00.000Z" },
    ],
    ["wrong scope", token, row(), "flags:read", { ok: false, status: 403, error: "token lacks scope flags:read" }],
    ["right scope", token, row(), "telemetry:write", { ok: true, name: "agent", cells: [], hash: "h" }],
    ["one of a list", token, row(), ["releases:read", "telemetry:write"], { ok: true }],
    [
      "none of a list",
      token,
      row(),
      ["releases:read", "releases:write"],
      { ok: false, status: 403, error: "token lacks scope releases:read or releases:write" },
    ],
    ["not yet expired", token, row({ expiresAt: new Date(NOW + 1) }), "telemetry:write", { ok: true }],
    ["bound (decided per cell, not here)", token, row({ cells: ["smb-*"] }), "telemetry:write", { ok: true, cells: ["smb-*"] }],
  ] as const)("%s", (_n, cred, r, scope, want) => {
    expect(decideToken(cred, r, "h", scope, NOW)).toMatchObject(want);
  });
});

describe("cell binding", () => {
  it.each([
    [[], "smb-us-1", true],
    [["smb-*"], "smb-us-1", true],
    [["smb-*"], "enterprise-us-hipaa", false],
    [["smb-us-1", "smb-us-2"], "smb-us-2", true],
    [["smb-us-1"], "smb-us-10", false],
    [["*-eu-*"], "enterprise-eu-standard", true],
  ])("%j covers %s: %s", (patterns, cell, want) => {
    expect(tokenCovers(patterns, cell)).toBe(want);
  });

  it("names the cells refused, sorted and once each, and the binding", () => {
    expect(cellsRefused({ name: "agents", cells: [] }, ["x"])).toBeNull();
    expect(cellsRefused({ name: "agents", cells: ["smb-*"] }, ["smb-us-1", "smb-eu-2"])).toBeNull();
    expect(
      cellsRefused({ name: "agents", cells: ["smb-*"] }, [
        "smb-us-1",
        "canary-us-internal",
        "enterprise-eu-standard",
        "canary-us-internal",
      ]),
    ).toEqual({
      cells: ["canary-us-internal", "enterprise-eu-standard"],
      message: 'token "agents" is bound to cells smb-*; it may not act for canary-us-internal, enterprise-eu-standard',
    });
  });

  it.each([
    ["smb-*", { ok: true, cells: ["smb-*"] }],
    ["smb-us-1, smb-us-2,smb-us-1", { ok: true, cells: ["smb-us-1", "smb-us-2"] }],
    ["", { ok: false }],
    [" , ", { ok: false }],
    ["*", { ok: false, error: expect.stringContaining("binds nothing") }],
    ["SMB-US-1", { ok: false, error: expect.stringContaining("not a cell id or glob") }],
    ["smb us", { ok: false }],
  ])("parseCellBinding(%j)", (spec, want) => {
    expect(parseCellBinding(spec)).toMatchObject(want);
  });
});
