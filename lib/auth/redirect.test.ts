import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./redirect";

describe("safeCallbackPath", () => {
  it.each([
    ["/", "/"],
    ["/releases/42", "/releases/42"],
    ["/?tier=smb&status=red", "/?tier=smb&status=red"],
    ["/cells/smb-us-1#chart", "/cells/smb-us-1#chart"],
    [undefined, "/"],
    [null, "/"],
    ["", "/"],
    ["//other.host/x", "/"],
    ["/\\other.host/x", "/"],
    ["\\\\other.host", "/"],
    ["https://other.host/x", "/"],
    ["http://localhost:3000/releases", "/"],
    ["javascript:alert(1)", "/"],
    ["/\t/other.host", "/"],
    ["/\n/other.host", "/"],
    ["/%0a", "/%0a"],
    ["/a\\b", "/"],
    ["/ /other.host", "/"],
    [`/${"a".repeat(3000)}`, "/"],
  ])("%j → %j", (raw, expected) => {
    expect(safeCallbackPath(raw)).toBe(expected);
  });
});
