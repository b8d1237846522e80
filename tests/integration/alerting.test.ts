// Alerts in and out, with a real Alertmanager: alerts pushed to it reach POST
// /api/v1/alerts/alertmanager through its webhook (firing, then resolved), become one grouped row
// per issue type, go out along the routing rules (a Slack-compatible webhook and a PagerDuty
// Events v2 target, both loopback servers here) — announced once, updated as cells join, resolved —
// and a silence (audited) keeps a matching alert from notifying while it still shows.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSilenceAction } from "@/app/(dashboard)/alerts/actions";
import { muteContext, notifyAlerts } from "@/lib/alerts/server/store";
import { muteOf } from "@/lib/alerts/silences";
import { audited } from "@/lib/audit/server/record";
import type { Principal } from "@/lib/auth/roles";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { groupByType } from "@/lib/health/alerts";
import { deliverDue } from "@/lib/rollouts/server/deliveries";
import { SETTINGS, writeSetting } from "@/lib/settings/server/store";
import { freshDatabase, type TestDatabase } from "../support/db";
import { startAlertmanager } from "../support/prometheus";

const ROOT = path.resolve(import.meta.dirname, "../..");
const AM_PORT = Number(process.env.CELLPLANE_TEST_AM_PORT ?? 9493);

let t: TestDatabase;
let app: http.Server;
let receiver: http.Server;
let am: { url: string; stop: () => Promise<void> } | undefined;
let closeApp: () => Promise<void> = async () => {};
const received: { path: string; body: Record<string, unknown> }[] = [];

async function listen(server: http.Server) {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Push alerts to Alertmanager's own API, as Prometheus would. */
async function pushToAlertmanager(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }[]) {
  const r = await fetch(`${am!.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts.map((a) => ({ startsAt: new Date(Date.now() - 60_000).toISOString(), annotations: {}, ...a }))),
  });
  expect(r.status).toBe(200);
}

/** Queue what the routing rules call for, then send it (the release notifications' sender). */
async function notifyAndSend() {
  const { queued } = await notifyAlerts(t.prisma, new Date());
  await deliverDue(t.prisma, new Date());
  return queued;
}

beforeAll(async () => {
  t = await freshDatabase("alerting");
  await seedDemo(t.prisma, "cellplane-test");
  process.env.DATABASE_URL = t.url;
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString() || "{}") });
    res.writeHead(req.url === "/pd" ? 202 : 200).end("ok");
  });
  const rp = await listen(receiver);
  await audited(t.prisma, "test", (tx) =>
    writeSetting(
      tx,
      SETTINGS.alerting,
      {
        labels: { type: "alertname", cell: "cell", service: "service" },
        routes: [
          { name: "chat", types: [], severities: [], tiers: [], target: `http://127.0.0.1:${rp}/slack`, format: "slack" },
          {
            name: "oncall",
            types: [],
            severities: ["critical"],
            tiers: [],
            target: `http://127.0.0.1:${rp}/pd`,
            format: "pagerduty",
            routingKey: "R0UTINGKEY",
          },
        ],
      },
      0,
      "test",
    ),
  );
  const { token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "alertmanager", scopes: ["alerts:write"] }, "test"));
  const [{ POST }, dbModule] = await Promise.all([import("@/app/api/v1/alerts/alertmanager/route"), import("@/lib/db")]);
  app = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST" || req.url !== "/api/v1/alerts/alertmanager") return void res.writeHead(404).end();
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new NextRequest(new URL(req.url, "http://127.0.0.1"), { method: "POST", headers, body: Buffer.concat(chunks) });
    const response = await (POST as (r: NextRequest, c: { params: Promise<object> }) => Promise<Response>)(request, {
      params: Promise.resolve({}),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  });
  const ap = await listen(app);
  closeApp = async () => {
    await dbModule.db().$disconnect();
    await dbModule.pool().end();
  };
  am = await startAlertmanager({
    port: AM_PORT,
    dataDir: path.join(ROOT, ".data", `test-alertmanager-${AM_PORT}`),
    webhook: `http://127.0.0.1:${ap}/api/v1/alerts/alertmanager`,
    bearerToken: token,
  });
}, 120_000);

afterAll(async () => {
  await am?.stop();
  await new Promise((r) => app?.close(r));
  await new Promise((r) => receiver?.close(r));
  await closeApp();
  await t?.drop();
});

const firing = (type: string) => t.prisma.alert.findMany({ where: { type, status: "firing" }, orderBy: { cellId: "asc" } });

describe("Alertmanager in, notifications out", () => {
  it("firing → one grouped row, notified once and updated as cells join → resolved", async () => {
    const labels = (cell: string) => ({ alertname: "HighErrorRate", cell, service: "sms", severity: "critical" });
    await pushToAlertmanager([{ labels: labels("smb-us-1"), annotations: { summary: "sms 5xx above 1%" } }]);
    const [first] = await until("the alert arrives through the webhook", async () => {
      const rows = await firing("high_error_rate");
      return rows.length === 1 && rows;
    });
    expect(first).toMatchObject({
      cellId: "smb-us-1",
      serviceId: "sms",
      severity: "critical",
      source: "alertmanager",
      summary: "sms 5xx above 1%",
    });

    expect(await notifyAndSend()).toBe(2);
    const slack = received.filter((r) => r.path === "/slack");
    const pd = received.filter((r) => r.path === "/pd");
    expect(slack).toHaveLength(1);
    expect(String(slack[0]!.body.text)).toMatch(/high_error_rate \(critical\) on 1 cell: smb-us-1/);
    expect(pd[0]!.body).toMatchObject({
      routing_key: "R0UTINGKEY",
      event_action: "trigger",
      dedup_key: "cellplane:high_error_rate",
      payload: { source: "cellplane", severity: "critical", group: "high_error_rate", custom_details: { cells: ["smb-us-1"] } },
    });
    expect(await notifyAndSend()).toBe(0); // nothing changed: nothing sent again

    await pushToAlertmanager([{ labels: labels("smb-us-1") }, { labels: labels("smb-us-2") }]);
    await until("the second cell arrives", async () => (await firing("high_error_rate")).length === 2);
    expect(groupByType(await firing("high_error_rate"))).toHaveLength(1);
    expect(await notifyAndSend()).toBe(2);
    expect(String(received.filter((r) => r.path === "/slack").at(-1)!.body.text)).toMatch(
      /on 2 cells: smb-us-1, smb-us-2 — now also smb-us-2/,
    );

    const now = new Date().toISOString();
    await pushToAlertmanager([
      { labels: labels("smb-us-1"), endsAt: now },
      { labels: labels("smb-us-2"), endsAt: now },
    ]);
    await until("both resolve through the webhook", async () => (await firing("high_error_rate")).length === 0);
    expect(await notifyAndSend()).toBe(2);
    expect(String(received.filter((r) => r.path === "/slack").at(-1)!.body.text)).toMatch(/high_error_rate resolved/);
    expect(received.filter((r) => r.path === "/pd").at(-1)!.body).toMatchObject({
      event_action: "resolve",
      dedup_key: "cellplane:high_error_rate",
    });
    const log = await t.prisma.delivery.findMany({ where: { kind: "alert" } });
    expect(log.map((d) => d.status)).toEqual(Array(6).fill("sent"));
  });

  it("a silence (audited) mutes a matching alert's notification; the alert still shows", async () => {
    const sre = await t.prisma.user.findUniqueOrThrow({ where: { email: "sre@cellplane.local" } });
    const principal: Principal = { id: sre.id, email: sre.email, name: sre.name, role: sre.role };
    const result = await createSilenceAction.runAs(
      principal,
      {
        type: "disk_full",
        cells: "smb-eu-*",
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        reason: "disk resize under way",
      },
      { db: t.prisma },
    );
    expect(result.ok).toBe(true);
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "silence.create" } });
    expect(audit).toMatchObject({ actor: "sre@cellplane.local", reason: "disk resize under way" });
    const viewer = await t.prisma.user.findUniqueOrThrow({ where: { email: "viewer@cellplane.local" } });
    const refused = await createSilenceAction.runAs(
      { id: viewer.id, email: viewer.email, name: viewer.name, role: viewer.role },
      { type: "x", startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 60_000).toISOString(), reason: "no" },
      { db: t.prisma },
    );
    expect(refused).toMatchObject({ ok: false, code: "FORBIDDEN" });

    const before = received.length;
    await pushToAlertmanager([
      { labels: { alertname: "DiskFull", cell: "smb-eu-1", severity: "critical" } },
      { labels: { alertname: "DiskFull", cell: "smb-us-3", severity: "critical" } },
    ]);
    const rows = await until("both disk_full alerts arrive", async () => {
      const r = await firing("disk_full");
      return r.length === 2 && r;
    });
    const mutes = await muteContext(t.prisma, new Date());
    expect(rows.map((a) => muteOf(a, mutes.silences, mutes.deploys, new Date())?.kind ?? null)).toEqual(["silenced", null]);
    expect(await notifyAndSend()).toBe(2); // the unsilenced cell only, along both routes
    const sent = received.slice(before);
    expect(sent.map((r) => JSON.stringify(r.body))).toEqual([expect.stringContaining("smb-us-3"), expect.stringContaining("smb-us-3")]);
    expect(sent.some((r) => JSON.stringify(r.body).includes("smb-eu-1"))).toBe(false);
  });
});
