// The telemetry batch contract (POST /api/v1/telemetry) and its validation. Pure.
import { z } from "zod";
import { issueDetails, MAX_TIME_MS, MIN_TIME_MS, NO_CONTROL, safeId, timestamp } from "@/lib/validation";

export const MAX_SAMPLES = 5_000;
export const MAX_BYTES = 2 * 1024 * 1024;
/** Samples stamped further ahead than this are refused (clock skew guard). */
export const MAX_FUTURE_MS = 5 * 60_000;

export const sampleSchema = z
  .object({
    cell: safeId(100).describe("cell id, e.g. smb-us-1"),
    service: safeId(50).describe("service id: sms, voice, video, whatsapp, email"),
    ts: timestamp().describe("sample time: epoch milliseconds or ISO 8601 with a zone, from 1970 to 9999-12-31T23:59:59.999Z"),
    errorRate: z.number().min(0).max(1).describe("fraction of requests that failed, 0–1 (0.001 = 0.1%)"),
    p99Ms: z.number().min(0).max(3_600_000).describe("99th percentile latency in milliseconds"),
    cpu: z.number().min(0).max(1).describe("CPU utilisation, 0–1"),
    rps: z.number().min(0).max(10_000_000).describe("requests per second"),
    version: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._+-]+$/, "letters, digits, . _ + -")
      .optional()
      .describe("the service version this cell runs"),
    apiVersions: z
      .array(z.string().regex(/^v\d+(\.\d+)?$/, "like v1 or v2"))
      .max(20)
      .optional()
      .describe("API handler versions this cell × service serves"),
  })
  .strict();

export const batchSchema = z.object({ samples: z.array(sampleSchema) }).strict();

const column = <T extends z.ZodType>(field: T) => z.array(field);
/**
 * The same batch as columns: one array per field, all of one length, the i-th sample being the
 * i-th element of each. Smaller to send and cheaper to read than one object a sample (what the
 * simulator sends). Checked as the samples it holds: the same rules, the same errors by index and
 * field.
 */
export const columnsBatchSchema = z
  .object({
    columns: z
      .object({
        cell: column(sampleSchema.shape.cell),
        service: column(sampleSchema.shape.service),
        ts: column(sampleSchema.shape.ts),
        errorRate: column(sampleSchema.shape.errorRate),
        p99Ms: column(sampleSchema.shape.p99Ms),
        cpu: column(sampleSchema.shape.cpu),
        rps: column(sampleSchema.shape.rps),
        version: column(sampleSchema.shape.version.unwrap().nullable()).optional().describe("null: not reported by that sample"),
        apiVersions: column(sampleSchema.shape.apiVersions.unwrap().nullable()).optional().describe("null: not reported by that sample"),
      })
      .strict()
      .describe("one array per field, all of one length: sample i is element i of each"),
  })
  .strict();

const REQUIRED_COLUMNS = ["cell", "service", "ts", "errorRate", "p99Ms", "cpu", "rps"] as const;
type Columns = Record<(typeof REQUIRED_COLUMNS)[number], unknown[]> & { version?: unknown[]; apiVersions?: unknown[] };

export type RawSample = z.infer<typeof sampleSchema>;

export interface Sample {
  cell: string;
  service: string;
  ts: Date;
  errorRate: number;
  p99Ms: number;
  cpu: number;
  rps: number;
  version?: string;
  apiVersions?: string[];
}

export interface SampleError {
  index: number;
  field: string;
  message: string;
}

export type BatchResult = { ok: true; samples: Sample[] } | { ok: false; status: 400 | 413; errors: SampleError[]; message: string };

/**
 * The Date constructor as it was when this module loaded. In the app server, Next.js later replaces
 * the global `Date` with a wrapper (to notice clock reads while it prerenders) that makes every
 * `new Date(ms)` a `Reflect.construct` with an arguments object: ≈ 0.15 ms of a batch's 500 samples,
 * in either form. The objects are the same Dates either way.
 */
const NativeDate = Date;

/** A key of sampleSchema (a test holds the two together): compared, not hashed, for every key of every sample. */
export function isSampleKey(k: string): boolean {
  switch (k) {
    case "cell":
    case "service":
    case "ts":
    case "errorRate":
    case "p99Ms":
    case "cpu":
    case "rps":
    case "version":
    case "apiVersions":
      return true;
    default:
      return false;
  }
}
const VERSION = /^[A-Za-z0-9._+-]+$/;
const plainTs = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= MIN_TIME_MS && x <= MAX_TIME_MS;
const plainVersion = (v: unknown) => typeof v === "string" && v.length >= 1 && v.length <= 64 && VERSION.test(v);
function plainApiVersions(a: unknown): boolean {
  if (!Array.isArray(a) || a.length > 20) return false;
  for (const x of a) if (typeof x !== "string" || !API_VERSION.test(x)) return false;
  return true;
}
const API_VERSION = /^v\d+(\.\d+)?$/;
const inRange = (x: unknown, max: number) => typeof x === "number" && x >= 0 && x <= max; // NaN fails
const id = (x: unknown, max: number) => typeof x === "string" && x.length >= 1 && x.length <= max && NO_CONTROL.test(x);

/**
 * The usual batch, checked by hand: the samples when every one is of the plain shape that
 * `sampleSchema` accepts (epoch-millisecond times, nothing out of range), else null — and then
 * `batchSchema` (zod, the reference) checks it and words the errors. It never accepts what the
 * schema refuses (a test holds both to the same table of inputs); it may leave to the schema what
 * the schema accepts (ISO times). For a batch of 500 it costs a fraction of the schema's time.
 */
export function plainSamples(wrapped: unknown): RawSample[] | null {
  if (typeof wrapped !== "object" || wrapped === null) return null;
  for (const k in wrapped) if (k !== "samples") return null;
  const list = (wrapped as { samples?: unknown }).samples;
  if (!Array.isArray(list)) return null;
  for (const s of list) {
    if (typeof s !== "object" || s === null || Array.isArray(s)) return null;
    for (const k in s) if (!isSampleKey(k)) return null;
    const o = s as Record<string, unknown>;
    if (!id(o.cell, 100) || !id(o.service, 50)) return null;
    if (!plainTs(o.ts)) return null;
    if (!inRange(o.errorRate, 1) || !inRange(o.p99Ms, 3_600_000) || !inRange(o.cpu, 1) || !inRange(o.rps, 10_000_000)) return null;
    if (o.version !== undefined && !plainVersion(o.version)) return null;
    if (o.apiVersions !== undefined && !plainApiVersions(o.apiVersions)) return null;
  }
  return list as RawSample[];
}

/**
 * A `columns` body's columns when its shape is right (an object of arrays, the required ones
 * present, all of one length, no other key), else the errors that say why.
 */
function columnsOf(body: { columns?: unknown }): { ok: true; columns: Columns; length: number } | { ok: false; errors: SampleError[] } {
  const errors: SampleError[] = [];
  const c = body.columns;
  for (const k in body)
    if (k !== "columns") errors.push({ index: -1, field: k, message: "unknown field (a batch is `samples` or `columns`)" });
  if (typeof c !== "object" || c === null || Array.isArray(c)) {
    errors.push({ index: -1, field: "columns", message: "an object with one array per field" });
    return { ok: false, errors };
  }
  const o = c as Record<string, unknown>;
  for (const k in o) if (!isSampleKey(k)) errors.push({ index: -1, field: `columns.${k}`, message: "unknown column" });
  const length = Array.isArray(o.cell) ? o.cell.length : -1;
  for (const k of [...REQUIRED_COLUMNS, "version", "apiVersions"] as const) {
    const v = o[k];
    if (v === undefined && (k === "version" || k === "apiVersions")) continue;
    if (!Array.isArray(v))
      errors.push({ index: -1, field: `columns.${k}`, message: v === undefined ? "missing column" : "a column is an array" });
    else if (length >= 0 && v.length !== length)
      errors.push({ index: -1, field: `columns.${k}`, message: `${v.length} values where cell has ${length}` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, columns: o as Columns, length };
}

/** The columns' samples when every value is of the plain shape (as plainSamples), else null (then checked as rows). */
function plainColumnSamples(c: Columns, n: number, latest: number): Sample[] | null {
  const { cell, service, ts, errorRate, p99Ms, cpu, rps, version, apiVersions } = c;
  for (let i = 0; i < n; i++) {
    if (!id(cell[i], 100) || !id(service[i], 50) || !plainTs(ts[i]) || (ts[i] as number) > latest) return null;
    if (!inRange(errorRate[i], 1) || !inRange(p99Ms[i], 3_600_000) || !inRange(cpu[i], 1) || !inRange(rps[i], 10_000_000)) return null;
    if (version && version[i] != null && !plainVersion(version[i])) return null;
    if (apiVersions && apiVersions[i] != null && !plainApiVersions(apiVersions[i])) return null;
  }
  const out: Sample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      cell: cell[i] as string,
      service: service[i] as string,
      ts: new NativeDate(ts[i] as number),
      errorRate: errorRate[i] as number,
      p99Ms: p99Ms[i] as number,
      cpu: cpu[i] as number,
      rps: rps[i] as number,
      version: (version?.[i] ?? undefined) as string | undefined,
      apiVersions: (apiVersions?.[i] ?? undefined) as string[] | undefined,
    };
  }
  return out;
}

/** The columns as one object a sample (null in version or apiVersions: the field left out), to be checked as rows. */
function columnRows(c: Columns, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const k of REQUIRED_COLUMNS) row[k] = c[k][i];
    if (c.version && c.version[i] !== null) row.version = c.version[i];
    if (c.apiVersions && c.apiVersions[i] !== null) row.apiVersions = c.apiVersions[i];
    return row;
  });
}

/**
 * Validate a parsed JSON body: `{samples: [...]}`, a bare array of samples, or `{columns: {...}}`
 * (columnsBatchSchema). All or nothing.
 */
export function validateBatch(body: unknown, now: Date, opts: { reference?: boolean } = {}): BatchResult {
  if (typeof body !== "object" || body === null || !("columns" in body)) return validateRows(body, now, opts);
  const shape = columnsOf(body);
  if (!shape.ok) return { ok: false, status: 400, errors: shape.errors, message: "invalid batch; nothing was stored" };
  const n = shape.length;
  if (n > MAX_SAMPLES) return { ok: false, status: 413, errors: [], message: `batch of ${n} samples exceeds ${MAX_SAMPLES}` };
  const plain = opts.reference || n === 0 ? null : plainColumnSamples(shape.columns, n, now.getTime() + MAX_FUTURE_MS);
  return plain ? { ok: true, samples: plain } : validateRows({ samples: columnRows(shape.columns, n) }, now, opts);
}

function validateRows(body: unknown, now: Date, { reference = false }: { reference?: boolean }): BatchResult {
  const wrapped = Array.isArray(body) ? { samples: body } : body;
  const list = (wrapped as { samples?: unknown })?.samples;
  if (Array.isArray(list) && list.length > MAX_SAMPLES) {
    return { ok: false, status: 413, errors: [], message: `batch of ${list.length} samples exceeds ${MAX_SAMPLES}` };
  }
  // `reference`: the schema alone (tests compare the two paths).
  const plain = reference ? null : plainSamples(wrapped);
  const parsed = plain ? ({ success: true, data: { samples: plain } } as const) : batchSchema.safeParse(wrapped);
  const errors: SampleError[] = [];
  if (!parsed.success) {
    for (const issue of issueDetails(parsed.error)) {
      const [root, index, ...field] = issue.path.split(".");
      if (root === "samples" && index !== undefined && /^\d+$/.test(index)) {
        errors.push({ index: Number(index), field: field.join(".") || "(sample)", message: issue.message });
      } else {
        errors.push({ index: -1, field: issue.path, message: issue.message });
      }
    }
    return { ok: false, status: 400, errors, message: "invalid batch; nothing was stored" };
  }
  const valid = parsed.data.samples;
  const samples: Sample[] = [];
  const latest = now.getTime() + MAX_FUTURE_MS;
  for (let index = 0; index < valid.length; index++) {
    const s = valid[index]!;
    const ts = new NativeDate(s.ts);
    if (ts.getTime() > latest) {
      errors.push({ index, field: "ts", message: `more than ${MAX_FUTURE_MS / 60_000} minutes in the future` });
      continue;
    }
    samples.push({
      cell: s.cell,
      service: s.service,
      ts,
      errorRate: s.errorRate,
      p99Ms: s.p99Ms,
      cpu: s.cpu,
      rps: s.rps,
      version: s.version,
      apiVersions: s.apiVersions,
    });
  }
  if (errors.length) return { ok: false, status: 400, errors, message: "invalid batch; nothing was stored" };
  if (samples.length === 0)
    return { ok: false, status: 400, errors: [{ index: -1, field: "samples", message: "empty batch" }], message: "empty batch" };
  return { ok: true, samples };
}
