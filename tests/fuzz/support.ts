// What every fuzz file needs: the app (tests/fuzz/app-server.ts), requests over real HTTP, exact
// row counts of every table, and the checks every answer must pass.
import fc from "fast-check";
import pg from "pg";
import { afterAll, expect, inject } from "vitest";

export const app = inject("fuzz");

/** How many generated inputs per property: FUZZ_RUNS scales the whole tier (default 2: about 3,500 requests). */
export const runs = (n: number) => Math.max(1, Math.round(n * Number(process.env.FUZZ_RUNS ?? 2)));

/** fast-check options: a seed from FUZZ_SEED reproduces a run; failures print their seed and path. */
export const fcOptions = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: runs(numRuns),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
  endOnFailure: true,
});

export interface Answer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

export interface Call {
  method?: string;
  /** Path and query, already encoded. */
  url: string;
  token?: string | null;
  cookie?: string;
  headers?: Record<string, string>;
  /** A value to send as JSON, or raw text with `raw`. */
  body?: unknown;
  raw?: string;
}

let requests = 0;
afterAll(() => console.log(`[fuzz] ${requests} requests`));

export async function call(c: Call): Promise<Answer> {
  requests++;
  const headers: Record<string, string> = { ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.cookie) headers.cookie = c.cookie;
  let body: string | undefined;
  if (c.raw !== undefined) body = c.raw;
  else if (c.body !== undefined) body = JSON.stringify(c.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${app.baseUrl}${c.url}`, {
    method: c.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
    redirect: "manual",
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const db = new pg.Pool({ connectionString: app.adminDbUrl, max: 2 });
afterAll(() => db.end());

let countQuery: string | undefined;

/** Exact row counts of every table of the app's schema. */
export async function rowCounts(): Promise<Record<string, number>> {
  if (!countQuery) {
    const { rows } = await db.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    countQuery = rows.map((r) => `SELECT '${r.t}' AS t, count(*)::int AS n FROM "${r.t}"`).join(" UNION ALL ");
  }
  const { rows } = await db.query<{ t: string; n: number }>(countQuery);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

export function changedTables(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

/** One check for every answer: never a 5xx; JSON errors in the API's one shape. */
export function expectNo5xx(a: Answer, what: string) {
  if (a.status >= 500) throw new Error(`${what}: HTTP ${a.status} ${a.text.slice(0, 300)}`);
}

export interface Detail {
  path?: unknown;
  message?: unknown;
  index?: unknown;
  field?: unknown;
}

/** The details of an /api/v1 400: a non-empty list, every entry naming its field and saying why. */
export function detailsOf400(a: Answer, what: string): Detail[] {
  const err = (a.json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (!err || typeof err.code !== "string" || typeof err.message !== "string")
    throw new Error(`${what}: a 400 without {error: {code, message}}: ${a.text.slice(0, 300)}`);
  const details = err.details;
  if (!Array.isArray(details) || details.length === 0) throw new Error(`${what}: a 400 that names no field: ${a.text.slice(0, 300)}`);
  for (const d of details as Detail[]) {
    // The API's shape ({path, message}), or telemetry's documented one ({index, field, message}: index -1 for the body).
    const field = typeof d?.path === "string" ? d.path : typeof d?.index === "number" ? d.field : undefined;
    if (typeof field !== "string" || field === "" || typeof d.message !== "string" || d.message === "")
      throw new Error(`${what}: a 400 detail without a field or a reason: ${JSON.stringify(d)}`);
  }
  return details as Detail[];
}

/**
 * A refused write: a 4xx (never a 5xx, never accepted), a 400 naming its fields, and not one row
 * more or less in any table.
 */
export async function expectRefusedWrite(send: () => Promise<Answer>, what: string): Promise<Answer> {
  const before = await rowCounts();
  const a = await send();
  expectNo5xx(a, what);
  if (a.status < 400) throw new Error(`${what}: accepted (HTTP ${a.status}): ${a.text.slice(0, 300)}`);
  if (a.status === 400) detailsOf400(a, what);
  const changed = changedTables(before, await rowCounts());
  if (changed.length) throw new Error(`${what}: refused (HTTP ${a.status}) but rows changed in ${changed.join(", ")}`);
  return a;
}

/** `what` for messages: the request, short. */
export const describeCall = (method: string, url: string, body?: unknown) =>
  `${method} ${url}${body === undefined ? "" : ` ${JSON.stringify(body)?.slice(0, 400)}`}`;

export { expect, fc };
