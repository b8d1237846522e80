import { describe, expect, it } from "vitest";
import { z } from "zod";
import { withTypedId } from "./typed-id";

const input = withTypedId(z.object({ id: z.string().min(1), reason: z.string().trim().min(3) }), "type the id to confirm");

describe("a command confirmed by typing its machine's id", () => {
  it.each([
    ["r-42", true],
    ["  r-42 ", true],
    ["r-4", false],
    ["", false],
    [undefined, false],
  ])("confirm %j: accepted %s", (confirm, ok) => {
    const parsed = input.safeParse({ id: "r-42", reason: "bad build", confirm });
    expect(parsed.success).toBe(ok);
    if (!parsed.success) expect(z.flattenError(parsed.error).fieldErrors).toEqual({ confirm: ["type the id to confirm"] });
  });

  it("keeps the id and the reason", () => {
    expect(input.parse({ id: "r-42", reason: " bad build ", confirm: "r-42" })).toEqual({
      id: "r-42",
      reason: "bad build",
      confirm: "r-42",
    });
  });
});
