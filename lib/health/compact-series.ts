// Chart series in compact form for a page's payload: one time axis, a column per metric, values to
// 4 significant digits (more than any chart or tooltip shows). The server compacts, the browser
// expands. Pure.

/** A chart point (the shape lib/health/server/series.ts reads and re-exports). */
export interface Point {
  t: number;
  errorRate: number;
  p99Ms: number;
  cpu: number;
  rps: number;
}

/** Series of a cell's services, column by column: `t` in epoch ms, then per service one value (or null) per `t`. */
export interface CompactSeries {
  t: number[];
  services: Record<string, { e: (number | null)[]; p: (number | null)[]; c: (number | null)[]; r: (number | null)[] }>;
}

const round = (v: number, digits: number) => Number(v.toPrecision(digits));

/** Pure: the compact form of chart series (server side). */
export function compactSeries(series: Record<string, Point[]>): CompactSeries {
  const t = [...new Set(Object.values(series).flatMap((pts) => pts.map((p) => p.t)))].sort((a, b) => a - b);
  const at = new Map(t.map((x, i) => [x, i]));
  const services: CompactSeries["services"] = {};
  for (const [svc, pts] of Object.entries(series)) {
    const col = () => Array<number | null>(t.length).fill(null);
    const s = { e: col(), p: col(), c: col(), r: col() };
    for (const p of pts) {
      const i = at.get(p.t)!;
      s.e[i] = round(p.errorRate, 4);
      s.p[i] = round(p.p99Ms, 4);
      s.c[i] = round(p.cpu, 4);
      s.r[i] = round(p.rps, 4);
    }
    services[svc] = s;
  }
  return { t, services };
}

/** Pure: the series again, as the charts take them (a null is a time the service has no point at). */
export function expandSeries(c: CompactSeries): Record<string, Point[]> {
  const out: Record<string, Point[]> = {};
  for (const [svc, s] of Object.entries(c.services)) {
    const pts: Point[] = [];
    c.t.forEach((t, i) => {
      if (s.e[i] !== null) pts.push({ t, errorRate: s.e[i]!, p99Ms: s.p[i]!, cpu: s.c[i]!, rps: s.r[i]! });
    });
    out[svc] = pts;
  }
  return out;
}
