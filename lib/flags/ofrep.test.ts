import { describe, expect, it } from "vitest";
import { invalidContext, MAX_TARGETING_KEY } from "./ofrep";

describe("invalidContext: refused before anything reaches the database", () => {
  it.each([
    [{ targetingKey: "customer-1" }, null],
    [{}, null],
    [{ targetingKey: "c".repeat(MAX_TARGETING_KEY), tier: "smb" }, null],
    [{ targetingKey: "üñíçødé-customer" }, null],
    [{ targetingKey: 7 }, "context.targetingKey must be a string (the customer id)"],
    [{ targetingKey: "c".repeat(MAX_TARGETING_KEY + 1) }, `context.targetingKey is longer than ${MAX_TARGETING_KEY} characters`],
    [{ targetingKey: "a\u0000b" }, "context.targetingKey contains a control character (U+0000)"],
    [{ targetingKey: "a\nb" }, "context.targetingKey contains a control character (U+000A)"],
    [{ targetingKey: "a\u009fb" }, "context.targetingKey contains a control character (U+009F)"],
    [{ targetingKey: "ok", region: "eu\u0007" }, "context.region contains a control character (U+0007)"],
    [{ targetingKey: "ok", "bad\u0000": "x" }, "a context attribute name contains a control character"],
  ])("%j → %s", (context, want) => {
    expect(invalidContext(context)).toBe(want);
  });
});
