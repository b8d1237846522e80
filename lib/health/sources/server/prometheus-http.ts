// A small client of the Prometheus HTTP query API (instant and range queries), as served by
// Prometheus, VictoriaMetrics, Thanos Query and Grafana Mimir. Queries go as POST forms (long
// PromQL never meets a URL length limit); bearer or basic auth when configured.
import type { PromSample, PromSeries } from "../prometheus";

export interface PrometheusEndpoint {
  /** Base URL, e.g. http://127.0.0.1:9090 (Mimir: …/prometheus). */
  url: string;
  bearerToken?: string;
  basic?: { user: string; password: string };
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class PrometheusError extends Error {
  constructor(
    message: string,
    public readonly status: number | null,
    public readonly query: string,
  ) {
    super(message);
    this.name = "PrometheusError";
  }
}

interface ApiAnswer<T> {
  status: "success" | "error";
  data?: { resultType: string; result: T };
  errorType?: string;
  error?: string;
}

function headersOf(e: PrometheusEndpoint): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (e.bearerToken) h.authorization = `Bearer ${e.bearerToken}`;
  else if (e.basic) h.authorization = `Basic ${Buffer.from(`${e.basic.user}:${e.basic.password}`).toString("base64")}`;
  return h;
}

async function call<T>(e: PrometheusEndpoint, path: string, form: Record<string, string>, expected: string): Promise<T> {
  const url = new URL(path, e.url.endsWith("/") ? e.url : `${e.url}/`);
  let res: Response;
  try {
    res = await (e.fetch ?? fetch)(url, {
      method: "POST",
      headers: headersOf(e),
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(e.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new PrometheusError(`Prometheus at ${e.url} unreachable: ${cause}`, null, form.query ?? "");
  }
  const text = await res.text();
  let body: ApiAnswer<T>;
  try {
    body = JSON.parse(text) as ApiAnswer<T>;
  } catch {
    throw new PrometheusError(`Prometheus answered HTTP ${res.status} without JSON: ${text.slice(0, 200)}`, res.status, form.query ?? "");
  }
  if (body.status !== "success" || !body.data) {
    throw new PrometheusError(
      `Prometheus refused the query (HTTP ${res.status}, ${body.errorType ?? "error"}): ${body.error ?? text.slice(0, 200)}`,
      res.status,
      form.query ?? "",
    );
  }
  if (body.data.resultType !== expected)
    throw new PrometheusError(`expected a ${expected} answer, got ${body.data.resultType}`, res.status, form.query ?? "");
  return body.data.result;
}

const seconds = (d: Date) => (d.getTime() / 1000).toFixed(3);

/** GET-equivalent of /api/v1/query: an instant vector at `time`. */
export function instantQuery(e: PrometheusEndpoint, query: string, time: Date): Promise<PromSample[]> {
  return call<PromSample[]>(e, "api/v1/query", { query, time: seconds(time) }, "vector");
}

/** /api/v1/query_range: a matrix from `start` to `end` every `stepMs`. */
export function rangeQuery(e: PrometheusEndpoint, query: string, start: Date, end: Date, stepMs: number): Promise<PromSeries[]> {
  return call<PromSeries[]>(
    e,
    "api/v1/query_range",
    { query, start: seconds(start), end: seconds(end), step: `${stepMs / 1000}` },
    "matrix",
  );
}
