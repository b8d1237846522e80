import { describe, expect, it } from "vitest";
import { SpecValidationError } from "@/lib/yaml-errors";
import {
  DEFAULT_PROM_SETTINGS,
  fleetQueries,
  parseTemplatesYaml,
  promqlError,
  renderQuery,
  templateErrors,
  templatesYaml,
  withCellFilter,
} from "./templates";

describe("query templates", () => {
  it("render the documented defaults to the conventional PromQL", () => {
    const q = fleetQueries(DEFAULT_PROM_SETTINGS);
    expect(q.errorRate).toBe(
      'sum by (cell, service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (cell, service) (rate(http_requests_total[5m]))',
    );
    expect(q.p99).toBe("histogram_quantile(0.99, sum by (cell, service, le) (rate(http_request_duration_seconds_bucket[5m])))");
    expect(templateErrors(DEFAULT_PROM_SETTINGS)).toEqual({});
  });

  it("map the labels of teams whose labels are not cell and service", () => {
    const s = { ...DEFAULT_PROM_SETTINGS, labels: { cell: "cell_id", service: "job", version: "git_sha" }, window: "1m" };
    expect(renderQuery(DEFAULT_PROM_SETTINGS.queries.rps, s)).toBe("sum by (cell_id, job) (rate(http_requests_total[1m]))");
  });

  it.each([
    ["sum by (cell (rate(x[5m]))", /column/],
    ["rate(x[$win])", /unknown placeholder \$win/],
    ["", /column 1/],
  ])("refuse %j", (q, message) => {
    expect(promqlError(q)).toMatch(message);
  });

  it.each([
    ["build_info", 'build_info{cell=~"a|b-1"}'],
    ['rate(x{code=~"5.."}[5m])', 'rate(x{code=~"5..", cell=~"a|b-1"}[5m])'],
    [
      "sum by (cell) (rate(x{}[5m])) / sum by (cell) (rate(y[5m]))",
      'sum by (cell) (rate(x{cell=~"a|b-1"}[5m])) / sum by (cell) (rate(y{cell=~"a|b-1"}[5m]))',
    ],
  ])("add the cell filter to every selector of %j", (q, want) => {
    const out = withCellFilter(q, "cell", ["a", "b-1"]);
    expect(out).toBe(want);
    expect(promqlError(out)).toBeNull();
  });

  it("escape regex characters in cell ids", () => {
    expect(withCellFilter("up", "cell", ["a.b"])).toBe('up{cell=~"a\\\\.b"}');
  });

  it("import YAML: fields left out keep the defaults; the export reads back the same", () => {
    const s = parseTemplatesYaml("labels:\n  cell: cell_id\nwindow: 30s\n");
    expect(s.labels).toEqual({ cell: "cell_id", service: "service", version: "version" });
    expect(s.window).toBe("30s");
    expect(parseTemplatesYaml(templatesYaml(s))).toEqual(s);
  });

  it("import YAML: every problem with its line and field, nothing partial", () => {
    const text = [
      "window: soon",
      "labels:",
      "  cell: 9cell",
      "queries:",
      '  p99: "histogram_quantile(0.99, sum by (le) (rate(x[5m]))"',
    ].join("\n");
    try {
      parseTemplatesYaml(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecValidationError);
      const errors = (e as SpecValidationError).errors.map((x) => `${x.line}:${x.field}`);
      expect(errors).toEqual(["1:window", "3:labels.cell"]);
    }
    try {
      parseTemplatesYaml('queries:\n  cpu: "sum(rate(x[5m])"\nextra: 1\n');
      expect.unreachable();
    } catch (e) {
      const errors = (e as SpecValidationError).errors;
      expect(errors.map((x) => x.field)).toContain("(file)");
    }
    try {
      parseTemplatesYaml('queries:\n  cpu: "sum(rate(x[5m])"\n');
      expect.unreachable();
    } catch (e) {
      expect((e as SpecValidationError).errors).toEqual([
        { line: 2, field: "queries.cpu", message: expect.stringMatching(/not valid PromQL/) },
      ]);
    }
  });
});

describe("examples/health-queries.yaml", () => {
  it("is the documented defaults", async () => {
    const fs = await import("node:fs");
    expect(parseTemplatesYaml(fs.readFileSync(`${import.meta.dirname}/../../../examples/health-queries.yaml`, "utf8"))).toEqual(
      DEFAULT_PROM_SETTINGS,
    );
  });
});
