import { describe, expect, it } from "vitest";
import { lineDiff } from "./line-diff";

describe("lineDiff", () => {
  it.each([
    [
      "a\nb\nc",
      "a\nb\nc",
      [
        [" ", "a"],
        [" ", "b"],
        [" ", "c"],
      ],
    ],
    [
      "a\nb\nc",
      "a\nc",
      [
        [" ", "a"],
        ["−", "b"],
        [" ", "c"],
      ],
    ],
    [
      "a\nc",
      "a\nb\nc",
      [
        [" ", "a"],
        ["+", "b"],
        [" ", "c"],
      ],
    ],
    [
      "a\nx\nc",
      "a\ny\nc",
      [
        [" ", "a"],
        ["−", "x"],
        ["+", "y"],
        [" ", "c"],
      ],
    ],
    [
      "",
      "a",
      [
        ["−", ""],
        ["+", "a"],
      ],
    ],
  ])("%j → %j", (a, b, expected) => {
    expect(lineDiff(a, b)).toEqual(expected);
  });
});
