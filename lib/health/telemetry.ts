// The telemetry batch contract (POST /api/v1/telemetry) and its validation. Pure.
import { z } from "zod";
import { issueDetails, safeId, timestamp } from "@/lib/validation";

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

/** Validate a parsed JSON body: `{samples: [...]}` or a bare array of samples. All or nothing. */
export function validateBatch(body: unknown, now: Date): BatchResult {
  const wrapped = Array.isArray(body) ? { samples: body } : body;
  const list = (wrapped as { samples?: unknown })?.samples;
  if (Array.isArray(list) && list.length > MAX_SAMPLES) {
    return { ok: false, status: 413, errors: [], message: `batch of ${list.length} samples exceeds ${MAX_SAMPLES}` };
  }
  const parsed = batchSchema.safeParse(wrapped);
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
  const samples: Sample[] = [];
  parsed.data.samples.forEach((s, index) => {
    const ts = new Date(s.ts);
    if (ts.getTime() - now.getTime() > MAX_FUTURE_MS) {
      errors.push({ index, field: "ts", message: `more than ${MAX_FUTURE_MS / 60_000} minutes in the future` });
      return;
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
  });
  if (errors.length) return { ok: false, status: 400, errors, message: "invalid batch; nothing was stored" };
  if (samples.length === 0)
    return { ok: false, status: 400, errors: [{ index: -1, field: "samples", message: "empty batch" }], message: "empty batch" };
  return { ok: true, samples };
}
