// The one place that reads the process environment. Everything else asks for `env()`.
import { z } from "zod";

const flag = z
  .enum(["1", "0", "true", "false", "on", "off", "yes", "no"], {
    error: "must be one of 1, 0, true, false, on, off, yes, no",
  })
  .transform((v) => ["1", "true", "on", "yes"].includes(v));

const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

/** Connections per purpose of one app process, and how long a request waits for one (see lib/db/pools.ts). */
export interface DbPoolSizes {
  requests: number;
  telemetry: number;
  background: number;
  /** Milliseconds a request waits for a free connection before it is answered "busy, retry". */
  waitMs: number;
}
export const DEFAULT_DB_POOL: DbPoolSizes = { requests: 10, telemetry: 6, background: 3, waitMs: 10_000 };

/**
 * `CELLPLANE_DB_POOL`: `requests=10,telemetry=6,background=3,wait=10` (any subset; wait in
 * seconds), or a bare number for the requests pool.
 */
const dbPool = z.string().transform((v, ctx): DbPoolSizes => {
  const out = { ...DEFAULT_DB_POOL };
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  const parts = /^\d+$/.test(v.trim()) ? [`requests=${v.trim()}`] : v.split(",").map((p) => p.trim());
  for (const part of parts) {
    const m = /^(requests|telemetry|background|wait)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) return fail(`"${part}" is not one of requests=N, telemetry=N, background=N, wait=SECONDS`);
    const n = Number(m[2]);
    if (m[1] === "wait") {
      if (n <= 0 || n > 300) return fail("wait must be between 0 and 300 seconds");
      out.waitMs = Math.round(n * 1000);
    } else {
      if (!Number.isInteger(n) || n < 1 || n > 500) return fail(`${m[1]} must be a whole number from 1 to 500`);
      out[m[1] as "requests" | "telemetry" | "background"] = n;
    }
  }
  return out;
});

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v), "must be a postgres:// or postgresql:// URL");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3000),
  DATABASE_URL: postgresUrl.optional(),
  /** The owner role's URL for migrations, when the app's DATABASE_URL role should own nothing. */
  CELLPLANE_MIGRATE_URL: postgresUrl.optional(),
  CELLPLANE_DATA_DIR: z.string().min(1, "must not be empty").default(".data"),
  CELLPLANE_PG_PORT: port.default(54320),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.url({ error: "must be an absolute URL such as http://localhost:3000" }).optional(),
  CELLPLANE_DEMO: flag.optional(),
  CELLPLANE_DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").default("cellplane"),
  /** Run the fleet simulator beside the app (demo mode only). */
  CELLPLANE_SIMULATOR: flag.optional(),
  /** More options for the simulator `npm start` runs (e.g. "--interval 2 --poll 2 --converge 1-3"). */
  CELLPLANE_SIMULATOR_ARGS: z
    .string()
    .regex(/^[\w\s.:=,*-]*$/, "must be simulator options such as --interval 2 --poll 2")
    .optional(),
  /** Bearer token of `npm run simulate` (scopes telemetry:write, fleet:read, cells:agent); or --token. */
  CELLPLANE_SIMULATOR_TOKEN: z.string().min(8, "must be an API token (cp_…)").optional(),
  /** Compress bake times and waits for demos and e2e: 60 = one minute per second. */
  CELLPLANE_TIME_SCALE: z.coerce
    .number({ error: "must be a number" })
    .positive("must be greater than 0")
    .max(100_000, "must be at most 100000")
    .default(1),
  /** Background work (ticker) inside the app server; off only for special deployments. */
  CELLPLANE_TICKER: flag.default(true),
  /** Database connections per app process, by purpose (lib/db/pools.ts). */
  CELLPLANE_DB_POOL: dbPool.optional().transform((v) => v ?? DEFAULT_DB_POOL),
  /** Behind a reverse proxy you trust: take the client's address from the last X-Forwarded-For entry. */
  CELLPLANE_TRUST_PROXY: flag.default(false),
  /** Where health readings come from: telemetry pushed to Cellplane, or a Prometheus-compatible query API. */
  CELLPLANE_HEALTH_SOURCE: z.enum(["builtin", "prometheus"], { error: "must be builtin or prometheus" }).default("builtin"),
  /** Base URL of the Prometheus-compatible HTTP API (Prometheus, VictoriaMetrics, Thanos Query, Mimir's prometheus prefix). */
  CELLPLANE_PROMETHEUS_URL: z.url({ error: "must be an absolute URL such as http://prometheus:9090" }).optional(),
  /** Bearer token sent to that API. */
  CELLPLANE_PROMETHEUS_TOKEN: z.string().min(1).optional(),
  /** Basic auth for that API (both or neither). */
  CELLPLANE_PROMETHEUS_USER: z.string().min(1).optional(),
  CELLPLANE_PROMETHEUS_PASSWORD: z.string().min(1).optional(),
  /** Serve GET /metrics on this port too, without a token (bind address: CELLPLANE_METRICS_HOST). */
  CELLPLANE_METRICS_PORT: port.optional(),
  CELLPLANE_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
});

export type Env = z.output<typeof schema> & {
  /** True when no DATABASE_URL is given and Cellplane runs its own PostgreSQL. */
  embedded: boolean;
  /** Seed the demo fleet and users: on by default with the embedded database. */
  demo: boolean;
  /** Run the fleet simulator: on by default in demo mode. */
  simulator: boolean;
  nextAuthUrl: string;
};

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parse and validate an environment. Empty strings count as unset. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, source[k] === "" ? undefined : source[k]]));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((i) => ({
        variable: String(i.path[0] ?? "environment"),
        message: i.message,
      })),
    );
  }
  const v = parsed.data;
  const embedded = v.DATABASE_URL === undefined;
  if (v.CELLPLANE_HEALTH_SOURCE === "prometheus" && !v.CELLPLANE_PROMETHEUS_URL)
    throw new EnvError([{ variable: "CELLPLANE_PROMETHEUS_URL", message: "is required when CELLPLANE_HEALTH_SOURCE=prometheus" }]);
  if (!v.CELLPLANE_PROMETHEUS_USER !== !v.CELLPLANE_PROMETHEUS_PASSWORD)
    throw new EnvError([
      {
        variable: v.CELLPLANE_PROMETHEUS_USER ? "CELLPLANE_PROMETHEUS_PASSWORD" : "CELLPLANE_PROMETHEUS_USER",
        message: "set both or neither",
      },
    ]);
  if (v.NODE_ENV === "production" && !embedded) {
    const missing = (["NEXTAUTH_SECRET", "NEXTAUTH_URL"] as const).filter((k) => !v[k]);
    if (missing.length > 0) {
      throw new EnvError(
        missing.map((variable) => ({
          variable,
          message: "is required when NODE_ENV=production with an external DATABASE_URL",
        })),
      );
    }
  }
  return {
    ...v,
    embedded,
    demo: v.CELLPLANE_DEMO ?? embedded,
    simulator: (v.CELLPLANE_DEMO ?? embedded) && (v.CELLPLANE_SIMULATOR ?? true),
    nextAuthUrl: v.NEXTAUTH_URL ?? `http://localhost:${v.PORT}`,
  };
}

let cached: Env | undefined;

/** The validated environment of this process, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The database URL inside the app server, where start-up has always set it. */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) {
    throw new EnvError([{ variable: "DATABASE_URL", message: "is not set; start Cellplane with `npm start`" }]);
  }
  return url;
}
