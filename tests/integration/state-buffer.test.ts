// Current state written behind the samples (lib/health/server/state-buffer.ts), as the app server's
// direct telemetry path uses it, on a real PostgreSQL. The flush timer is injected: a test fires
// it, as the interval elapsing would — nothing here sleeps.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/lib/fleet/server/seed";
import { CurrentStateBuffer, type Timer } from "@/lib/health/server/state-buffer";
import { ingestSamples, loadFleetHealth, type Queryable } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS as T } from "@/lib/health/thresholds";
import { freshDatabase, type TestDatabase } from "../support/db";
import { at, redErr, sample as s, serviceHealth } from "../support/health-samples";

let t: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  t = await freshDatabase("state_buffer");
  await seedDemo(t.prisma, "cellplane-test");
  pool = new pg.Pool({ connectionString: t.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

/** A timer whose callbacks run when the test says the interval has elapsed. */
function manualTimer() {
  const due: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const timer: Timer = {
    schedule(fn, ms) {
      const e = { fn, ms, cancelled: false };
      due.push(e);
      return () => {
        e.cancelled = true;
      };
    },
  };
  return {
    timer,
    /** Delays asked for by timers still waiting. */
    waiting: () => due.filter((e) => !e.cancelled).map((e) => e.ms),
    /** Only the timers that asked for `ms` fire (the others keep waiting). */
    fire(ms: number) {
      const now = due.filter((e) => !e.cancelled && e.ms === ms);
      for (const e of now) {
        due.splice(due.indexOf(e), 1);
        e.fn();
      }
      return now.length;
    },
    /** The interval elapses: run the waiting callbacks. */
    elapse() {
      const now = due.splice(0).filter((e) => !e.cancelled);
      for (const e of now) e.fn();
      return now.length;
    },
  };
}

const buffers: CurrentStateBuffer[] = [];
function buffer(
  opts: ConstructorParameters<typeof CurrentStateBuffer>[1] = {},
  on: ConstructorParameters<typeof CurrentStateBuffer>[0] = pool,
) {
  const b = new CurrentStateBuffer(on, opts);
  buffers.push(b);
  return b;
}
afterEach(async () => {
  for (const b of buffers.splice(0)) await b.close().catch(() => {});
});

const health = (cell: string, service: string) => serviceHealth(t, cell, service);
const samplesOf = async (cell: string, service: string) =>
  Number(
    (await t.query<{ n: string }>(`SELECT count(*) AS n FROM health_samples WHERE cell_id = $1 AND service_id = $2`, [cell, service]))[0]!
      .n,
  );

describe("current state written behind the samples", () => {
  it("stores the samples at once and the current state when the interval elapses; the heatmap's data load sees it then", async () => {
    const clock = manualTimer();
    const state = buffer({ intervalMs: 250, quietMs: 50, timer: clock.timer });
    await ingestSamples(pool, [s("smb-us-1", "sms", 0)], T); // the pair's state exists (written synchronously)
    expect(clock.waiting()).toEqual([]);

    await ingestSamples(pool, [s("smb-us-1", "sms", 5, redErr)], T, { state });
    expect(await samplesOf("smb-us-1", "sms")).toBe(2); // samples: durable when the batch is answered
    expect(await health("smb-us-1", "sms")).toMatchObject({ status: "green", last_sample_at: at(0) }); // state: not yet
    // One flush: when readings pause (50 ms), at the latest one interval after the first pending one.
    expect(clock.waiting()).toEqual([250, 50]);
    expect(state.size).toBe(1);

    clock.elapse();
    await state.flush(); // the flush the timer started (and nothing more)
    expect(await health("smb-us-1", "sms")).toMatchObject({ status: "red", status_since: at(5), last_sample_at: at(5), error_rate: 0.05 });
    const fleet = await loadFleetHealth(pool, T, at(10));
    const tile = fleet.cells.find((c) => c.id === "smb-us-1")!.services.find((x) => x.service === "sms")!;
    expect(tile).toMatchObject({ status: "red", lastSampleAt: at(5).toISOString(), errorRate: 0.05 });
    expect(state.size).toBe(0);
    expect(clock.waiting()).toEqual([]);
  });

  it("waits for a pause in the readings, but never longer than the interval after the first pending one", async () => {
    const clock = manualTimer();
    const state = buffer({ intervalMs: 1000, quietMs: 50, timer: clock.timer });
    await ingestSamples(pool, [s("smb-us-4", "sms", 0), s("smb-us-4", "voice", 0)], T);
    // A continuous stream: every batch starts the quiet timer again; the deadline stays the first one.
    await ingestSamples(pool, [s("smb-us-4", "sms", 5, redErr)], T, { state });
    await ingestSamples(pool, [s("smb-us-4", "voice", 5, redErr)], T, { state });
    expect(clock.waiting()).toEqual([1000, 50]);
    expect(clock.fire(1000)).toBe(1); // the interval is up before any pause
    await state.flush();
    expect(await health("smb-us-4", "sms")).toMatchObject({ status: "red", last_sample_at: at(5) });
    expect(await health("smb-us-4", "voice")).toMatchObject({ status: "red", last_sample_at: at(5) });
    expect(clock.waiting()).toEqual([]); // the quiet timer went with it

    // Then a pause: the quiet timer writes the next reading without waiting for the interval.
    await ingestSamples(pool, [s("smb-us-4", "sms", 10)], T, { state });
    expect(clock.waiting()).toEqual([1000, 50]);
    expect(clock.fire(50)).toBe(1);
    await state.flush();
    expect(await health("smb-us-4", "sms")).toMatchObject({ status: "green", last_sample_at: at(10) });
    expect(clock.waiting()).toEqual([]);
  });

  it("coalesces readings between flushes into one write that keeps when a status and a breach began", async () => {
    const clock = manualTimer();
    const state = buffer({ timer: clock.timer });
    await ingestSamples(pool, [s("smb-us-2", "sms", 0)], T);
    await ingestSamples(pool, [s("smb-us-2", "sms", 5, redErr)], T, { state });
    await ingestSamples(pool, [s("smb-us-2", "sms", 10, redErr)], T, { state });
    await ingestSamples(pool, [s("smb-us-2", "sms", 15, { ...redErr, p99Ms: 1500 })], T, { state });
    expect(clock.waiting()).toEqual([1000, 50]); // one flush pending: its deadline and its quiet timer
    expect(state.size).toBe(1);
    clock.elapse();
    await state.flush();
    expect(await health("smb-us-2", "sms")).toMatchObject({
      status: "red",
      status_since: at(5),
      error_breach_since: at(5),
      last_sample_at: at(15),
    });
    expect(await samplesOf("smb-us-2", "sms")).toBe(4);
  });

  it("never lets an older reading overwrite a newer one: a late flush, and two app servers flushing in either order", async () => {
    const state = buffer({ timer: manualTimer().timer });
    await ingestSamples(pool, [s("smb-us-3", "sms", 0)], T);
    await ingestSamples(pool, [s("smb-us-3", "sms", 20, redErr)], T, { state }); // pending: red at 20 s
    // Meanwhile a newer reading is written synchronously (another app server, or the Next.js route).
    await ingestSamples(pool, [s("smb-us-3", "sms", 30)], T);
    await state.flush();
    expect(await health("smb-us-3", "sms")).toMatchObject({ status: "green", last_sample_at: at(30) });

    // Two app servers, each with its own buffer: the one holding the older reading flushes last.
    const a = buffer({ timer: manualTimer().timer }),
      b = buffer({ timer: manualTimer().timer });
    await ingestSamples(pool, [s("smb-us-3", "sms", 40)], T, { state: a });
    await ingestSamples(pool, [s("smb-us-3", "sms", 45, redErr)], T, { state: b });
    await b.flush();
    await a.flush();
    expect(await health("smb-us-3", "sms")).toMatchObject({ status: "red", last_sample_at: at(45) });
    // And a late sample arriving after a newer one in the same buffer is not written over it.
    await ingestSamples(pool, [s("smb-us-3", "sms", 50)], T, { state: a });
    await ingestSamples(pool, [s("smb-us-3", "sms", 48, redErr)], T, { state: a });
    await a.flush();
    expect(await health("smb-us-3", "sms")).toMatchObject({ status: "green", last_sample_at: at(50) });
    expect(await samplesOf("smb-us-3", "sms")).toBe(7); // every sample stored, the late one too

    // Another writer's reading lands between two held ones: the run is counted from the stored row.
    await ingestSamples(pool, [s("smb-us-3", "sms", 60, redErr)], T, { state: a });
    await ingestSamples(pool, [s("smb-us-3", "sms", 65, redErr)], T); // synchronous: red since 65 (it was green)
    await ingestSamples(pool, [s("smb-us-3", "sms", 70, redErr)], T, { state: a });
    await a.flush();
    expect(await health("smb-us-3", "sms")).toMatchObject({
      status: "red",
      status_since: at(65),
      error_breach_since: at(65),
      last_sample_at: at(70),
    });
  });

  it("writes a version change and a pair's first state at once, not behind", async () => {
    const clock = manualTimer();
    const state = buffer({ timer: clock.timer });
    await t.query(`DELETE FROM service_health WHERE cell_id = 'smb-eu-1' AND service_id = 'voice'`);
    // A new handle on the pool: ingest keeps its registry per handle, and this one loads it now.
    const fresh: Queryable = { query: pool.query.bind(pool) as Queryable["query"] };
    const first = await ingestSamples(fresh, [s("smb-eu-1", "voice", 0)], T, { state });
    expect(first.stored).toBe(1);
    expect(await health("smb-eu-1", "voice")).toMatchObject({ status: "green", last_sample_at: at(0) }); // the first state: synchronous
    expect(state.size).toBe(0);

    const out = await ingestSamples(fresh, [s("smb-eu-1", "voice", 5, { version: "v9.9.1" })], T, { state });
    expect(out.versionChanges).toEqual([{ cell: "smb-eu-1", service: "voice", from: expect.any(String), to: "v9.9.1" }]);
    // Before any flush: the registry and the change event already say so.
    expect(await t.query(`SELECT observed_version FROM cell_services WHERE cell_id = 'smb-eu-1' AND service_id = 'voice'`)).toEqual([
      { observed_version: "v9.9.1" },
    ]);
    expect(
      await t.query(
        `SELECT to_version FROM deployment_events WHERE cell_id = 'smb-eu-1' AND service_id = 'voice' AND to_version = 'v9.9.1'`,
      ),
    ).toHaveLength(1);
    expect(await health("smb-eu-1", "voice")).toMatchObject({ last_sample_at: at(0) }); // its reading follows
    expect(state.size).toBe(1);
  });

  it("flushes what it holds on close() and schedules nothing after", async () => {
    const clock = manualTimer();
    const state = buffer({ timer: clock.timer });
    await ingestSamples(pool, [s("smb-eu-2", "sms", 0)], T);
    await ingestSamples(pool, [s("smb-eu-2", "sms", 5, redErr), s("smb-eu-2", "voice", 5, redErr)], T, { state });
    await state.close();
    expect(await health("smb-eu-2", "sms")).toMatchObject({ status: "red", last_sample_at: at(5) });
    expect(clock.waiting()).toEqual([]);
    expect(state.size).toBe(0);
  });

  it("keeps the updates of a failed flush and writes them, merged with newer ones, at the next interval", async () => {
    const clock = manualTimer();
    let failNext = true;
    const flaky = {
      query: ((q: string | { name?: string }, ...rest: unknown[]) => {
        if (typeof q !== "string" && q.name === "cellplane.ingest.state-flush" && failNext) {
          failNext = false;
          return Promise.reject(Object.assign(new Error("connection lost"), { code: "57P01" }));
        }
        return (pool.query as (...a: unknown[]) => unknown)(q, ...rest);
      }) as typeof pool.query,
    };
    const errors: unknown[] = [];
    const state = buffer({ timer: clock.timer, onError: (e) => errors.push(e) }, flaky);
    await ingestSamples(pool, [s("smb-eu-3", "sms", 0)], T);
    await ingestSamples(pool, [s("smb-eu-3", "sms", 5, redErr)], T, { state });
    await expect(state.flush()).rejects.toThrow("connection lost");
    expect(errors).toHaveLength(1);
    expect(state.failures).toBe(1);
    expect(state.size).toBe(1);
    expect(await health("smb-eu-3", "sms")).toMatchObject({ last_sample_at: at(0) });
    await ingestSamples(pool, [s("smb-eu-3", "sms", 10, redErr)], T, { state });
    expect(clock.waiting()).toEqual([1000]); // the retry, one interval later (not at the next pause)
    clock.elapse();
    await state.flush();
    expect(await health("smb-eu-3", "sms")).toMatchObject({ status: "red", status_since: at(5), last_sample_at: at(10) });
  });
});
