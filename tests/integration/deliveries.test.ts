import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { seedDemo } from "@/lib/fleet/server/seed";
import type { WavePlan } from "@/lib/rollouts/engine";
import { backoffMs, deliverDue } from "@/lib/rollouts/server/deliveries";
import { createRelease, tickRelease } from "@/lib/rollouts/server/release-store";
import { DEFAULT_ROLLOUT_SETTINGS } from "@/lib/settings/rollouts";
import { SETTINGS, writeSetting } from "@/lib/settings/server/store";
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
