import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { seedDemo } from "@/lib/fleet/server/seed";
import type { WavePlan } from "@/lib/rollouts/engine";
import { backoffMs, deliverDue } from "@/lib/rollouts/server/deliveries";
import { createRelease, tickRelease } from "@/lib/rollouts/server/release-store";
import { DEFAULT_ROLLOUT_SETTINGS } from "@/lib/settings/rollouts";
import { readSetting, SETTINGS, writeSetting } from "@/lib/settings/server/store";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let server: http.Server;
const received: { path: string; body: Record<string, unknown> }[] = [];
let failNext = 0;

beforeAll(async () => {
  t = await freshDatabase("deliveries");
  await seedDemo(t.prisma, "cellplane");
  await t.prisma.pipeline.create({ data: { id: "test", name: "Test", format: "native", source: "", spec: {}, updatedBy: "test" } });
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end("busy");
        return;
      }
      received.push({ path: req.url!, body: JSON.parse(body) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await audited(t.prisma, "test", (tx) =>
    writeSetting(
      tx,
      SETTINGS.rollouts,
      { ...DEFAULT_ROLLOUT_SETTINGS, channels: { "enterprise-releases": `${base}/slack` }, deployWebhook: `${base}/deploy` },
      0,
      "test",
    ),
  );
});
afterAll(async () => {
  server.close();
  await t.drop();
});

const wave = (o: Partial<WavePlan>): WavePlan => ({
  name: "ent",
  group: "ent",
  cells: ["enterprise-us-hipaa"],
  parallel: false,
  bakeMs: 1000,
  checks: [],
  requiresApproval: true,
  notify: "slack://enterprise-releases",
  maintenanceWindow: false,
  ...o,
});

describe("notifications and deploy webhooks (local HTTP receiver)", () => {
  it("a gate posts a Slack-compatible message; desired-version changes post the deploy webhook", async () => {
    const { id } = await audited(t.prisma, "a", (tx) =>
      createRelease(
        tx,
        {
          pipelineId: "test",
          versions: { email: "v4.2.0" },
          plan: [wave({ requiresApproval: false, name: "first", notify: null }), wave({})],
        },
        "a",
        new Date(),
      ),
    );
    await tickRelease(t.prisma, id, new Date(), 1);
    await deliverDue(t.prisma, new Date());
    expect(received.filter((r) => r.path === "/deploy").map((r) => r.body)).toEqual([
      { cell: "enterprise-us-hipaa", service: "email", version: "v4.2.0", release: id, wave: "first" },
    ]);
  });

  it("failures are retried with exponential backoff and recorded", async () => {
    received.length = 0;
    failNext = 2;
    const { id } = await audited(t.prisma, "a", (tx) =>
      createRelease(
        tx,
        { pipelineId: "test", versions: { video: "v1.9.9" }, plan: [wave({ cells: ["enterprise-us-standard"] })] },
        "a",
        new Date(),
      ),
    );
    await tickRelease(t.prisma, id, new Date(), 1); // → awaiting approval: gate notification
    let now = new Date();
    await deliverDue(t.prisma, now);
    let d = await t.prisma.delivery.findFirstOrThrow({ where: { releaseId: id, event: "gate_waiting" } });
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastError: "HTTP 503" });
    expect(d.nextAttemptAt.getTime()).toBe(now.getTime() + backoffMs(1));
    await deliverDue(t.prisma, now); // not due yet: nothing sent
    expect((await t.prisma.delivery.findFirstOrThrow({ where: { id: d.id } })).attempts).toBe(1);
    now = new Date(now.getTime() + backoffMs(1));
    await deliverDue(t.prisma, now);
    now = new Date(now.getTime() + backoffMs(2));
    await deliverDue(t.prisma, now);
    d = await t.prisma.delivery.findFirstOrThrow({ where: { id: d.id } });
    expect(d).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    const msg = received.find((r) => r.path === "/slack")!;
    expect(msg.body.text).toMatch(/^Approval needed: wave ent \(enterprise-us-standard\)/);
  });

  it("backoff doubles and caps at five minutes", () => {
    expect([1, 2, 3, 8, 20].map(backoffMs)).toEqual([2000, 4000, 8000, 256000, 300000]);
  });
});

describe("outbound calls: only allowlisted hosts, no redirects, a time limit", () => {
  /** A local receiver that answers `status` (with `headers`), or never answers when `status` is null. */
  const receivers: http.Server[] = [];
  async function receiver(status: number | null, headers: () => Record<string, string> = () => ({})) {
    const hits: { path: string; headers: http.IncomingHttpHeaders }[] = [];
    const s = http.createServer((req, res) => {
      hits.push({ path: req.url!, headers: req.headers });
      req.resume();
      req.on("end", () => {
        if (status !== null) res.writeHead(status, headers()).end();
      });
    });
    receivers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
  }
  afterAll(() => {
    for (const s of receivers) s.closeAllConnections();
    for (const s of receivers) s.close();
  });

  let ok: Awaited<ReturnType<typeof receiver>>;
  let redirecting: Awaited<ReturnType<typeof receiver>>;
  let hanging: Awaited<ReturnType<typeof receiver>>;
  let outsider: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    ok = await receiver(200);
    redirecting = await receiver(302, () => ({ Location: `${ok.url}/followed` }));
    hanging = await receiver(null);
    outsider = await receiver(200);
  });

  const host = (url: string) => new URL(url).host;
  async function allow(hosts: string[]) {
    const { version } = await readSetting(t.prisma, SETTINGS.outbound);
    await audited(t.prisma, "test", (tx) => writeSetting(tx, SETTINGS.outbound, { hosts }, version, "test"));
  }
  async function deliveryTo(target: string) {
    await t.prisma.delivery.updateMany({ where: { status: "pending" }, data: { status: "failed" } });
    return t.prisma.delivery.create({
      data: {
        kind: "notification",
        event: "gate_waiting",
        target,
        payload: { text: "hello" },
        nextAttemptAt: new Date(0),
        createdAt: new Date(),
      },
    });
  }
  const reload = (id: bigint) => t.prisma.delivery.findUniqueOrThrow({ where: { id } });

  it("an allowlisted host receives the post (credentials in the URL become basic auth)", async () => {
    await allow([host(ok.url), host(redirecting.url), host(hanging.url)]);
    const d = await deliveryTo(`http://hook:s3cr3t@${host(ok.url)}/T/B/secret`);
    expect(await deliverDue(t.prisma, new Date())).toEqual({ sent: 1, failed: 0 });
    expect(await reload(d.id)).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(ok.hits.at(-1)).toMatchObject({
      path: "/T/B/secret",
      headers: { authorization: `Basic ${Buffer.from("hook:s3cr3t").toString("base64")}` },
    });
  });

  it("a redirect is not followed: the delivery fails with the reason, the other location is never asked", async () => {
    const before = ok.hits.length;
    const d = await deliveryTo(`${redirecting.url}/hook`);
    expect(await deliverDue(t.prisma, new Date())).toEqual({ sent: 0, failed: 1 });
    expect(await reload(d.id)).toMatchObject({ status: "failed", attempts: 1, lastError: "HTTP 302: redirects are not followed" });
    expect(redirecting.hits).toHaveLength(1);
    expect(ok.hits).toHaveLength(before);
  });

  it("a host outside the allowlist is never contacted: failed at once, with the host named", async () => {
    const d = await deliveryTo(`${outsider.url}/T/B/secret?token=1`);
    expect(await deliverDue(t.prisma, new Date())).toEqual({ sent: 0, failed: 1 });
    const row = await reload(d.id);
    expect(row).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: `refused: host ${host(outsider.url)} is not on the outbound allowlist (Settings → Outbound calls)`,
    });
    expect(outsider.hits).toEqual([]);
  });

  it("a receiver that never answers times out; the delivery is retried later", async () => {
    const d = await deliveryTo(`${hanging.url}/hook`);
    const now = new Date();
    expect(await deliverDue(t.prisma, now, fetch, 20, 300)).toEqual({ sent: 0, failed: 1 });
    expect(await reload(d.id)).toMatchObject({ status: "pending", attempts: 1, lastError: "timed out after 0.3 s" });
    expect((await reload(d.id)).nextAttemptAt.getTime()).toBe(now.getTime() + backoffMs(1));
    expect(hanging.hits).toHaveLength(1);
  });

  it("with an empty allowlist only the hosts of the configured webhooks are called", async () => {
    await allow([]);
    const d = await deliveryTo(`${outsider.url}/elsewhere`);
    await deliverDue(t.prisma, new Date());
    expect((await reload(d.id)).lastError).toMatch(
      new RegExp(`^refused: host ${host(outsider.url)} is not allowed: with an empty outbound allowlist`),
    );
    expect(outsider.hits).toEqual([]);
    const slack = await deliveryTo("slack://enterprise-releases");
    received.length = 0;
    expect(await deliverDue(t.prisma, new Date())).toEqual({ sent: 1, failed: 0 });
    expect((await reload(slack.id)).status).toBe("sent");
    expect(received.map((r) => r.path)).toEqual(["/slack"]);
  });
});
