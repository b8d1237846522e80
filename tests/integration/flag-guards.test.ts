// Flags that know the fleet, against real PostgreSQL: code prerequisites through OFREP over real
// HTTP, and a guarded ramp held by its guard when the flag-on cells fail (injected clock), resumed
// by a product owner, with one hold however many passes race.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { evaluate } from "@/lib/flags/evaluate";
import { flagJobs } from "@/lib/flags/server/jobs";
import { guardFlag, resumeRamp } from "@/lib/flags/server/guard-store";
import { applyFlags, getFlag, updateFlag } from "@/lib/flags/server/store";
import type { FlagSpec } from "@/lib/flags/model";
import { flagSpecSchema } from "@/lib/flags/model";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { freshDatabase, type TestDatabase } from "../support/db";
import { startOfrepServer, type OfrepTestServer } from "../support/ofrep-server";

let t: TestDatabase;
let pool: pg.Pool;
let srv: OfrepTestServer;
let token: string;

beforeAll(async () => {
  t = await freshDatabase("flagguards");
  await seedDemo(t.prisma, "cellplane");
  pool = new pg.Pool({ connectionString: t.url, max: 4 });
  ({ token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "voice-service", scopes: ["flags:read"] }, "test")));
  srv = await startOfrepServer(t.prisma, t.url);
});
afterAll(async () => {
  await srv?.close();
  await pool?.end();
  await t?.drop();
});

const spec = (input: unknown): FlagSpec => flagSpecSchema.parse(input);
const save = (s: FlagSpec, now = new Date()) => audited(t.prisma, "product@cellplane.local", (tx) => applyFlags(tx, [s], "test", now));

/** Samples every 5 s over [from, to] for `cells`, every service, with the error rate `err(cell, ts)`. */
async function report(
  cells: string[],
  from: number,
  to: number,
  err: (cell: string, ts: number) => number,
  version?: Record<string, string>,
) {
  const services = ["sms", "voice", "video", "whatsapp", "email"];
  const versions: Record<string, string> = {
    sms: "v2.4.0",
    voice: "v3.1.2",
    video: "v1.8.0",
    whatsapp: "v1.12.3",
    email: "v4.0.1",
    ...version,
  };
  const samples = [];
  for (let ts = from; ts <= to; ts += 5000) {
    for (const cell of cells)
      for (const service of services)
        samples.push({
          cell,
          service,
          ts: new Date(ts),
          errorRate: err(cell, ts),
          p99Ms: 150,
          cpu: 0.3,
          rps: 40,
          version: versions[service]!,
        });
  }
  await ingestSamples(pool, samples, DEFAULT_THRESHOLDS, { now: new Date(to) });
}

const ofrep = async (key: string, customer: string) =>
  (
    await fetch(`${srv.baseUrl}/ofrep/v1/evaluate/flags/${key}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ context: { targetingKey: customer } }),
    })
  ).json();

describe("code prerequisites", () => {
  it("OFREP answers PREREQUISITE_FAILED until the customer's home cell runs the code, then evaluates as usual", async () => {
    const home = (await t.prisma.customer.findFirst({ where: { homeCellId: "smb-us-2" }, select: { id: true } }))!.id;
    await save(spec({ key: "smsReceiptsV3", enabled: true, rolloutPercentage: 100, requires: { sms: ">=2.5.0" } }));
    srv.clock.now = new Date();
    expect(await ofrep("smsReceiptsV3", home)).toMatchObject({
      value: false,
      reason: "PREREQUISITE_FAILED",
      variant: "off",
      metadata: { prerequisite: "sms >=2.5.0", cellVersion: "v2.4.0" },
    });
    const bulkBefore = await fetch(`${srv.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ context: { targetingKey: home } }),
    });
    const etag = bulkBefore.headers.get("etag")!;
    // The cell reports sms v2.5.0: the registry's observed version moves, and so does the answer.
    await report(["smb-us-2"], Date.now() - 5000, Date.now(), () => 0.0002, { sms: "v2.5.0" });
    expect(await ofrep("smsReceiptsV3", home)).toMatchObject({ value: true, reason: "SPLIT" });
    const bulkAfter = await fetch(`${srv.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "If-None-Match": etag },
      body: JSON.stringify({ context: { targetingKey: home } }),
    });
    expect(bulkAfter.status).toBe(200); // the home cell's versions are part of the ETag
    // Customers Cellplane does not know cannot show their cell runs the code.
    expect(await ofrep("smsReceiptsV3", "stranger-1")).toMatchObject({ value: false, reason: "PREREQUISITE_FAILED" });
  });

  it("refuses an unknown service or a range that is not semver, naming the field", async () => {
    const f = (await getFlag(t.prisma, "smsReceiptsV3"))!;
    await expect(
      audited(t.prisma, "p", (tx) => updateFlag(tx, f.key, f.version, { requires: { fax: ">=1" } }, "requires", new Date())),
    ).rejects.toMatchObject({ fieldErrors: { "requires.fax": [expect.stringMatching(/unknown service "fax"/)] } });
    await expect(
      audited(t.prisma, "p", (tx) => updateFlag(tx, f.key, f.version, { requires: { sms: "newest" } }, "requires", new Date())),
    ).rejects.toMatchObject({ fieldErrors: { "requires.sms": [expect.stringMatching(/not a semver range/)] } });
  });
});

describe("a guarded ramp", () => {
  const cells = ["smb-eu-1", "smb-eu-2"];
  const onCustomer = async () => (await t.prisma.customer.findFirst({ where: { homeCellId: "smb-eu-1" }, select: { id: true } }))!.id;
  const SCALE = 60;

  /** A ramp to 100% of the customers of two cells at `step`, guarded; telemetry healthy before the step. */
  async function ramp(key: string, step: number, onBreach: "hold" | "revert") {
    await save(
      spec({
        key,
        owner: "voice-team",
        enabled: true,
        rolloutPercentage: 0,
        targeting: { cells },
        schedule: [{ at: new Date(step).toISOString(), percentage: 100 }],
        guard: { checks: ["error_rate < 2x baseline", "error_rate < 1%"], onBreach, watchFor: "1h" },
      }),
      new Date(step - 600_000),
    );
  }

  it("holds by itself when the flag-on cells fail, says why, notifies the owner's channel; two racing passes hold once", async () => {
    const step = Date.now() - 20 * 60_000;
    await ramp("voiceCodecGuarded", step, "hold");
    await report(cells, step - 60_000, step + 15_000, () => 0.0002);
    // 15 s after the step at time scale 60 (a 30 s window): healthy, watching.
    let pass = await audited(t.prisma, "system:ticker", (tx) => guardFlag(tx, "voiceCodecGuarded", new Date(step + 15_000), SCALE));
    expect(pass).toBe("watching");
    const status = await t.prisma.flagGuardStatus.findUnique({ where: { flagKey: "voiceCodecGuarded" } });
    expect(status).toMatchObject({ state: "watching", cells });
    // smb-eu-1 starts failing: 0.8% — under the absolute 1%, but 40× its own pre-step baseline (the
    // 30 s window still holds a few healthy samples, so the window's rate is a little lower).
    await report(cells, step + 20_000, step + 40_000, (cell) => (cell === "smb-eu-1" ? 0.008 : 0.0002));
    const now = new Date(step + 40_000);
    const both = await Promise.allSettled([
      audited(t.prisma, "system:ticker", (tx) => guardFlag(tx, "voiceCodecGuarded", now, SCALE)),
      audited(t.prisma, "system:ticker", (tx) => guardFlag(tx, "voiceCodecGuarded", now, SCALE)),
    ]);
    expect(both.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const flag = (await getFlag(t.prisma, "voiceCodecGuarded"))!;
    expect(flag.hold).toEqual({ at: now, percentage: 100 });
    expect(flag.holdReason).toMatch(
      /^Guard breach at .* UTC: error_rate < 2x baseline breached: smb-eu-1: 0\.\d{3}% vs baseline 0\.020% \(the same cells before 100% at .*\) = [\d.]+×, limit < 2× — ramp held at 100%$/,
    );
    const holds = await t.prisma.auditEvent.findMany({ where: { targetId: "voiceCodecGuarded", action: "flag.guard_hold" } });
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ actor: "system:ticker", reason: flag.holdReason });
    const delivery = await t.prisma.delivery.findFirst({ where: { flagKey: "voiceCodecGuarded" } });
    expect(delivery).toMatchObject({ event: "flag_ramp_held", target: "slack://voice-team", status: "failed" });
    expect(delivery!.lastError).toMatch(/no webhook configured for slack:\/\/voice-team/);
    expect((delivery!.payload as { text: string }).text).toMatch(/^Flag voiceCodecGuarded: Guard breach/);

    // Held: a percentage by hand is refused; the guard no longer watches.
    await expect(
      audited(t.prisma, "product@cellplane.local", (tx) =>
        updateFlag(tx, flag.key, flag.version, { rolloutPercentage: 50 }, "percentage", new Date()),
      ),
    ).rejects.toThrow(/held by its guard at 100%.*resume it first/);
    pass = await audited(t.prisma, "system:ticker", (tx) => guardFlag(tx, "voiceCodecGuarded", new Date(step + 45_000), SCALE));
    expect(pass).toBeNull();

    // A product owner resumes (audited); the guard starts afresh from the resume.
    const resumedAt = new Date(step + 60_000);
    await audited(t.prisma, "product@cellplane.local", (tx) =>
      resumeRamp(tx, flag.key, flag.version, "probe misconfigured, fixed", resumedAt),
    );
    const after = (await getFlag(t.prisma, "voiceCodecGuarded"))!;
    expect(after.hold).toBeNull();
    expect(after.guardSince).toEqual(resumedAt);
    const resume = await t.prisma.auditEvent.findFirst({ where: { targetId: "voiceCodecGuarded", action: "flag.resume" } });
    expect(resume).toMatchObject({ actor: "product@cellplane.local", reason: "probe misconfigured, fixed" });
    await expect(audited(t.prisma, "p", (tx) => resumeRamp(tx, flag.key, after.version, "again", resumedAt))).rejects.toThrow(
      /is not held/,
    );
    pass = await audited(t.prisma, "system:ticker", (tx) => guardFlag(tx, "voiceCodecGuarded", new Date(step + 61_000), SCALE));
    expect(pass).toBe("not_enough_data");
  });

  it("revert goes back to the percentage before the step: the flag-on customers are off again", async () => {
    const step = Date.now() - 40 * 60_000;
    await ramp("videoBlurGuarded", step, "revert");
    await report(cells, step - 60_000, step - 5000, () => 0.0002);
    await report(cells, step, step + 30_000, () => 0.02);
    // The ticker's job, as it runs every second.
    await flagJobs[0]!.run({ db: t.prisma, now: new Date(step + 30_000), timeScale: SCALE, databaseUrl: t.url });
    const flag = (await getFlag(t.prisma, "videoBlurGuarded"))!;
    expect(flag.hold).toMatchObject({ percentage: 0 });
    expect(flag.holdReason).toMatch(/ramp reverted to 0% \(before the step to 100%\)$/);
    const customer = await onCustomer();
    expect(
      evaluate(flag, { targetingKey: customer, cell: "smb-eu-1", tier: "smb", region: "eu-west-1" }, new Date(step + 31_000)),
    ).toMatchObject({
      value: false,
      flagMetadata: { percentage: 0 },
    });
  });
});
