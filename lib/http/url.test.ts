import { describe, expect, it } from "vitest";
import { malformedPath, malformedUrlAnswer } from "./url";

describe("malformedPath", () => {
  it("refuses paths whose percent-encoding does not decode to UTF-8", () => {
    for (const p of ["/api/v1/flags/%FF/preview", "/a/%", "/a/%zz", "/a/%ED%A0%80", "/a/%C0%AF", "/a/%E0%A4%A"])
      expect(malformedPath(p), p).not.toBeNull();
  });
  it("accepts well-formed paths, and leaves the query to the handlers", () => {
    for (const p of ["/", "/api/v1/cells/smb-us-1/desired", "/a/%00", "/a/%F0%9F%92%A5", "/a?x=%FF", "/a?%"])
      expect(malformedPath(p), p).toBeNull();
  });
  it("answers in the shape of the API asked", () => {
    expect(malformedUrlAnswer("/ofrep/v1/evaluate/flags/%FF", "r").body).toEqual({ errorCode: "PARSE_ERROR", errorDetails: "r" });
    expect(malformedUrlAnswer("/api/v1/x/%FF", "r").body).toEqual({
      error: { code: "INVALID", message: "r", details: [{ path: "(url)", message: "r" }] },
    });
  });
});
