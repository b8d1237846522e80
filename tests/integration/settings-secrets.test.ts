// Webhook URLs in Settings are secrets: stored as entered, written to the audit log only redacted
// (with the names of the secrets a change replaced), and only admins may change where outbound
// calls may go. A webhook on a host the allowlist does not admit is refused when saved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveOutboundAction, saveRolloutsAction } from "@/app/(dashboard)/settings/actions";
import type { Principal } from "@/lib/auth/roles";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { demoPrincipals, type SeededDatabase, seededDatabase } from "../support/seeded-db";

const SLACK = "https://hooks.slack.example/services/T0SECRET/B0SECRET/slackSecretToken";
const DEPLOY = "https://deploy.ci.example/hook?token=deploySecretToken";

let t: SeededDatabase;
let users: Record<string, Principal> = {};
beforeAll(async () => {
  t = await seededDatabase("settings_secrets", { password: "cellplane" });
  users = await demoPrincipals(t.prisma);
});
afterAll(() => t.drop());

const rollouts = async (o: { channels?: string; deployWebhook?: string }, who = "admin") =>
  saveRolloutsAction.runAs(
    users[who]!,
    {
      version: (await readSetting(t.prisma, SETTINGS.rollouts)).version,
      channels: o.channels ?? "",
      deployWebhook: o.deployWebhook ?? "",
      deployTimeoutMin: 15,
      telemetryTimeoutMin: 5,
      noticeLeadHours: 24,
    },
    { db: t.prisma },
  );
const outbound = async (hosts: string, who = "admin") =>
  saveOutboundAction.runAs(users[who]!, { version: (await readSetting(t.prisma, SETTINGS.outbound)).version, hosts }, { db: t.prisma });
const lastAudit = async (targetId: string) =>
  (await t.prisma.auditEvent.findMany({ where: { targetType: "setting", targetId }, orderBy: { id: "desc" }, take: 1 }))[0]!;

describe("rollout settings: secrets stored as entered, audited redacted", () => {
  it("the setting keeps the URLs; its audit event shows scheme + host + /… and names the secrets that changed", async () => {
    expect(await rollouts({ channels: `ops = ${SLACK}`, deployWebhook: DEPLOY })).toMatchObject({ ok: true });
    expect((await readSetting(t.prisma, SETTINGS.rollouts)).value).toMatchObject({ channels: { ops: SLACK }, deployWebhook: DEPLOY });
    const e = await lastAudit("rollouts");
    expect(e.after).toMatchObject({
      channels: { ops: "https://hooks.slack.example/…" },
      deployWebhook: "https://deploy.ci.example/…",
      secretsChanged: ["channels.ops", "deployWebhook"],
    });
    expect(JSON.stringify([e.before, e.after])).not.toMatch(/SecretToken|T0SECRET/);

    // A rotated token redacts to the same text: the event still says which secret changed.
    expect(await rollouts({ channels: `ops = ${SLACK}`, deployWebhook: `${DEPLOY}-rotated` })).toMatchObject({ ok: true });
    const rotated = await lastAudit("rollouts");
    expect(rotated.before).toMatchObject({ deployWebhook: "https://deploy.ci.example/…" });
    expect(rotated.after).toMatchObject({ deployWebhook: "https://deploy.ci.example/…", secretsChanged: ["deployWebhook"] });
  });
});

describe("the outbound allowlist (admins)", () => {
  it("only admins may change it; bad lines are named; a good list is saved and audited", async () => {
    expect(await outbound("hooks.slack.example", "release")).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await outbound("hooks.slack.example\nhttps://deploy.ci.example/x")).toMatchObject({
      ok: false,
      code: "INVALID",
      fieldErrors: { hosts: ['line 2: "https://deploy.ci.example/x" is not a host name, host:port or *.domain'] },
    });
    expect((await readSetting(t.prisma, SETTINGS.outbound)).version).toBe(0);
    expect(await outbound("hooks.slack.example\ndeploy.ci.example")).toMatchObject({ ok: true });
    expect((await readSetting(t.prisma, SETTINGS.outbound)).value).toEqual({ hosts: ["hooks.slack.example", "deploy.ci.example"] });
    expect((await lastAudit("outbound")).after).toEqual({ hosts: ["hooks.slack.example", "deploy.ci.example"] });
  });

  it("a webhook on a host the list does not admit is refused under its field, and nothing is saved", async () => {
    const before = await readSetting(t.prisma, SETTINGS.rollouts);
    expect(
      await rollouts({
        channels: `ops = ${SLACK}\nrogue = https://collector.evil.example/x`,
        deployWebhook: "http://10.0.0.5:8080/internal",
      }),
    ).toMatchObject({
      ok: false,
      code: "INVALID",
      fieldErrors: {
        channels: ["rogue: host collector.evil.example is not on the outbound allowlist (Settings → Outbound calls)"],
        deployWebhook: ["host 10.0.0.5:8080 is not on the outbound allowlist (Settings → Outbound calls)"],
      },
    });
    expect(await readSetting(t.prisma, SETTINGS.rollouts)).toEqual(before);
  });
});
