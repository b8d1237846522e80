import { describe, expect, it } from "vitest";
import {
  edgeHeaders,
  formatDayOrInstant,
  formatHttpDate,
  formatLinks,
  formatSfDate,
  parseDay,
  parseHttpDate,
  parseHttpDateLenient,
  parseLinks,
  parseSfDate,
} from "./headers";

const d = (iso: string) => new Date(iso);

describe("Deprecation (RFC 9745): Structured Field Date", () => {
  it.each([
    ["2025-06-01T00:00:00Z", "@1748736000"],
    ["2025-01-15T00:00:00Z", "@1736899200"],
    ["1970-01-01T00:00:00Z", "@0"],
    ["2025-01-15T12:34:56.789Z", "@1736944496"], // sub-second dropped
  ])("%s → %s", (iso, sf) => {
    expect(formatSfDate(d(iso))).toBe(sf);
    expect(parseSfDate(sf)!.getTime()).toBe(Math.floor(d(iso).getTime() / 1000) * 1000);
  });

  it.each(["true", "1748736000", "@", "@1.5", "@abc", "@1234567890123456", "Sat, 01 Jun 2025 00:00:00 GMT"])("rejects %j", (v) => {
    expect(parseSfDate(v)).toBeNull();
  });
});

describe("Sunset (RFC 8594): IMF-fixdate in GMT", () => {
  it.each([
    ["2025-06-01T00:00:00Z", "Sun, 01 Jun 2025 00:00:00 GMT"],
    ["2018-12-31T23:59:59Z", "Mon, 31 Dec 2018 23:59:59 GMT"],
    ["2026-02-28T09:05:03Z", "Sat, 28 Feb 2026 09:05:03 GMT"],
  ])("%s → %s", (iso, http) => {
    expect(formatHttpDate(d(iso))).toBe(http);
    expect(parseHttpDate(http)).toEqual(d(iso));
    expect(Date.parse(http)).toBe(d(iso).getTime()); // what a client library does with it
  });

  it("the seed's Sunset value names the wrong weekday for 1 June 2025: strict parsing refuses it, lenient parsing flags it", () => {
    // 1 June 2025 was a Sunday; the seed says "Sat". The date part decides.
    expect(parseHttpDate("Sat, 01 Jun 2025 00:00:00 GMT")).toBeNull();
    expect(parseHttpDateLenient("Sat, 01 Jun 2025 00:00:00 GMT")).toEqual({ date: d("2025-06-01T00:00:00Z"), weekdayMismatch: true });
    expect(parseHttpDateLenient("Sun, 01 Jun 2025 00:00:00 GMT")).toEqual({ date: d("2025-06-01T00:00:00Z"), weekdayMismatch: false });
  });

  it.each([
    "2025-06-01",
    "Sun, 1 Jun 2025 00:00:00 GMT",
    "Sun, 01 Jun 2025 00:00:00 UTC",
    "Sun, 31 Jun 2025 00:00:00 GMT",
    "Sun, 01 Jun 2025 24:00:00 GMT",
  ])("rejects %j", (v) => {
    expect(parseHttpDate(v)).toBeNull();
  });
});

describe("Link (RFC 8288)", () => {
  it("formats and parses rel=deprecation and rel=sunset", () => {
    const v = formatLinks([
      { url: "https://docs.example.com/v1", rel: "deprecation" },
      { url: "https://docs.example.com/v1", rel: "sunset" },
    ]);
    expect(v).toBe('<https://docs.example.com/v1>; rel="deprecation", <https://docs.example.com/v1>; rel="sunset"');
    expect(parseLinks(v)).toEqual([
      { url: "https://docs.example.com/v1", rel: "deprecation" },
      { url: "https://docs.example.com/v1", rel: "sunset" },
    ]);
  });

  it.each([
    ['<https://a.example/x>; rel="deprecation"; type="text/html"', [{ url: "https://a.example/x", rel: "deprecation" }]],
    ["<https://a.example/x>; rel=sunset", [{ url: "https://a.example/x", rel: "sunset" }]],
    [
      '<https://a.example/x,y>; rel="deprecation sunset"',
      [
        { url: "https://a.example/x,y", rel: "deprecation" },
        { url: "https://a.example/x,y", rel: "sunset" },
      ],
    ],
  ])("parses %s", (v, want) => expect(parseLinks(v)).toEqual(want));

  it.each(["https://a.example/x", "<https://a.example/x", '<https://a.example/x> rel="x"', ""])("rejects %j", (v) =>
    expect(parseLinks(v)).toBeNull(),
  );
});

describe("edge headers by status", () => {
  const base = {
    deprecationDate: d("2025-01-15T00:00:00Z"),
    sunsetDate: d("2025-06-01T00:00:00Z"),
    documentation: "https://docs.example.com/sms/v0",
  };
  it.each([
    ["active", {}],
    ["disabled", {}],
    [
      "deprecated",
      {
        Deprecation: "@1736899200",
        Sunset: "Sun, 01 Jun 2025 00:00:00 GMT",
        Link: '<https://docs.example.com/sms/v0>; rel="deprecation", <https://docs.example.com/sms/v0>; rel="sunset"',
      },
    ],
    ["sunset", { Link: '<https://docs.example.com/sms/v0>; rel="sunset"' }],
  ] as const)("%s", (status, want) => expect(edgeHeaders({ status, ...base })).toEqual(want));

  it("a deprecated route without a sunset date or documentation carries Deprecation only", () => {
    expect(
      edgeHeaders({ status: "deprecated", deprecationDate: d("2025-01-15T00:00:00Z"), sunsetDate: null, documentation: null }),
    ).toEqual({ Deprecation: "@1736899200" });
  });
});

describe("dates in the file", () => {
  it.each([
    ["2025-01-15", "2025-01-15T00:00:00.000Z", "2025-01-15"],
    ["2025-06-01T12:30:00Z", "2025-06-01T12:30:00.000Z", "2025-06-01T12:30:00Z"],
    ["2025-06-01T12:30:00+02:00", "2025-06-01T10:30:00.000Z", "2025-06-01T10:30:00Z"],
  ])("%s", (v, iso, back) => {
    expect(parseDay(v)!.toISOString()).toBe(iso);
    expect(formatDayOrInstant(parseDay(v)!)).toBe(back);
  });
  it.each(["2025-02-30", "2025-13-01", "15/01/2025", "2025-1-5", "tomorrow", "2025-06-01T25:00:00Z"])("rejects %j", (v) =>
    expect(parseDay(v)).toBeNull(),
  );
});
