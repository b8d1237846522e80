// Protected flags on a real PostgreSQL: a person's change becomes a change request and nothing is
// applied; the requester cannot approve it; another product owner (or an admin) approves → applied in
// the same transaction, audited (request, decision, the change itself); a stale request is refused;
// two approvals at once apply once; the kill switch stays immediate; the flags import asks too (CLI
// exit 3); the requests are gates of the approvals inbox.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  approveFlagChangeAction,
  rejectFlagChangeAction,
  setFlagDetails,
  setFlagEnabled,
  setRolloutPercentage,
  setSchedule,
} from "@/app/(dashboard)/flags/actions";
import { approvalCounts, approvalsInbox } from "@/lib/approvals/server/queries";
import { audited } from "@/lib/audit/server/record";
import type { Principal } from "@/lib/auth/roles";
import { effectivePercentage } from "@/lib/flags/schedule";
import { createFlag, getFlag, updateFlag } from "@/lib/flags/server/store";
import { createFreeze, endFreeze } from "@/lib/settings/server/store";
import { cliIn } from "../support/cli";
import { demoPrincipals, type SeededDatabase, seededDatabase } from "../support/seeded-db";

const KEY = "videoBackgroundBlur"; // the demo's protected flag
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-flag-changes-"));

let t: SeededDatabase;
let users: Record<string, Principal> = {};
beforeAll(async () => {
  t = await seededDatabase("flag_change_requests", { password: "cellplane", flagsAt: true });
  users = await demoPrincipals(t.prisma);
});
afterAll(() => t.drop());

/** Each test starts with no pending request (a request left by the previous one would only go stale). */
beforeEach(async () => {
  await t.query(`UPDATE flag_change_requests SET status = 'rejected', decided_by = 'test', decided_at = now() WHERE status = 'pending'`);
});

const flag = async () => (await getFlag(t.prisma, KEY))!;
const requestsOf = () => t.prisma.flagChangeRequest.findMany({ where: { flagKey: KEY }, orderBy: { id: "asc" } });
const raise = async (who: string, percentage: number, comment?: string) =>
  setRolloutPercentage.runAs(users[who]!, { key: KEY, version: (await flag()).version, percentage, comment }, { db: t.prisma });
const decide = (who: string, kind: "approve" | "reject", id: string, comment = "checked the CPU graphs") =>
  (kind === "approve" ? approveFlagChangeAction : rejectFlagChangeAction).runAs(users[who]!, { id, comment }, { db: t.prisma });
const requestId = (r: unknown) => (r as { data: { request: { id: string } } }).data.request.id;

describe("a protected flag's change by a person", () => {
  it("becomes a change request: nothing applied, the requester told #N with the diff, audited", async () => {
    const before = await flag();
    expect(before).toMatchObject({ protected: true, enabled: false, rolloutPercentage: 25 });
    const r = await raise("product", 40, "CPU regression fixed in video v3.1");
    expect(r).toMatchObject({
      ok: true,
      data: {
        key: KEY,
        version: before.version,
        request: { id: expect.stringMatching(/^\d+$/), diff: [{ field: "rolloutPercentage", before: "25%", after: "40%" }] },
      },
    });
    const after = await flag();
    expect(after).toMatchObject({ version: before.version, rolloutPercentage: 25, percentageSetAt: before.percentageSetAt });
    const [row] = await requestsOf();
    expect(row).toMatchObject({
      id: BigInt(requestId(r)),
      baseVersion: before.version,
      action: "percentage",
      patch: { rolloutPercentage: 40 },
      status: "pending",
      requestedBy: "product@cellplane.local",
      requestComment: "CPU regression fixed in video v3.1",
    });
    expect(row!.before).toMatchObject({ rolloutPercentage: 25, enabled: false, protected: true, salt: KEY });
    expect(row!.after).toMatchObject({ rolloutPercentage: 40, enabled: false, protected: true });
    const [event] = await t.prisma.auditEvent.findMany({ where: { action: "flag.change_request", targetId: requestId(r) } });
    expect(event).toMatchObject({
      actor: "product@cellplane.local",
      targetType: "flag_change",
      after: { flag: KEY, baseVersion: before.version, patch: { rolloutPercentage: 40 }, diff: "rolloutPercentage 25% → 40%" },
      reason: "CPU regression fixed in video v3.1",
    });
    // No flag change was audited.
    expect(await t.prisma.auditEvent.count({ where: { targetType: "flag", targetId: KEY, at: { gte: event!.at } } })).toBe(0);
  });

  it("the same change again by the same person is the same request", async () => {
    const a = await raise("product", 45);
    const b = await raise("product", 45);
    expect(requestId(b)).toBe(requestId(a));
    expect(await t.prisma.flagChangeRequest.count({ where: { status: "pending" } })).toBe(1);
  });

  it("without a requester the store refuses it (no path around the request)", async () => {
    const f = await flag();
    await expect(
      audited(t.prisma, "test", (tx) => updateFlag(tx, KEY, f.version, { owner: "someone" }, "details", new Date())),
    ).rejects.toThrow(/is protected: its changes wait for a second product owner or an admin/);
  });

  it("the kill switch (switching it off) stays immediate; switching it on waits", async () => {
    // On first, through an approved request.
    const on = await setFlagEnabled.runAs(users.product!, { key: KEY, version: (await flag()).version, enabled: true }, { db: t.prisma });
    expect(on).toMatchObject({ ok: true, data: { request: { diff: [{ field: "enabled", before: "off", after: "on" }] } } });
    expect((await flag()).enabled).toBe(false);
    expect(await decide("product2", "approve", requestId(on))).toMatchObject({ ok: true });
    const f = await flag();
    expect(f.enabled).toBe(true);
    // Incident: off at once, by anyone who edits flags — the requester of nothing.
    const off = await setFlagEnabled.runAs(users.product!, { key: KEY, version: f.version, enabled: false }, { db: t.prisma });
    expect(off).toMatchObject({ ok: true, data: { version: f.version + 1 } });
    expect((off as { data: object }).data).not.toHaveProperty("request");
    expect(await flag()).toMatchObject({ enabled: false, version: f.version + 1 });
  });
});

describe("deciding a request: four-eyes, once, at its version", () => {
  it("the requester cannot approve; a release manager may not decide; another product owner approves → applied and audited", async () => {
    const before = await flag();
    const r = await raise("product", 40);
    const id = requestId(r);
    expect(await decide("product", "approve", id)).toMatchObject({
      ok: false,
      code: "PRECONDITION",
      message: "four-eyes: the person who requested a flag change cannot approve it",
    });
    expect(await decide("release2", "approve", id)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect((await flag()).rolloutPercentage).toBe(25);

    const now = Date.now();
    expect(await decide("product2", "approve", id, "checked the CPU graphs")).toMatchObject({
      ok: true,
      data: { id, flagKey: KEY, version: before.version + 1 },
    });
    const after = await flag();
    expect(after).toMatchObject({ rolloutPercentage: 40, version: before.version + 1 });
    expect(after.percentageSetAt.getTime()).toBeGreaterThanOrEqual(now - 1000);
    expect(effectivePercentage(after, new Date())).toBe(40);
    expect(await t.prisma.flagChangeRequest.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({
      status: "approved",
      decidedBy: "product2@cellplane.local",
      decisionComment: "checked the CPU graphs",
    });
    // The decision and the change itself, in one transaction: the change in the requester's name.
    const events = await t.query<{ actor: string; action: string; reason: string | null; tx: string }>(
      `SELECT actor, action, reason, xmin::text AS tx FROM audit_events
        WHERE (target_type = 'flag' AND target_id = $1) OR (target_type = 'flag_change' AND target_id = $2 AND action <> 'flag.change_request')
        ORDER BY id DESC LIMIT 2`,
      [KEY, id],
    );
    expect(events.map((e) => [e.actor, e.action])).toEqual([
      ["product2@cellplane.local", "flag.change_approve"],
      ["product@cellplane.local", "flag.percentage"],
    ]);
    expect(events[1]!.reason).toBe(`change request #${id}, approved by product2@cellplane.local: checked the CPU graphs`);
    expect(new Set(events.map((e) => e.tx)).size).toBe(1);
    // Decided once: a second decision is told who decided.
    expect(await decide("admin", "reject", id)).toMatchObject({
      ok: false,
      code: "CONFLICT",
      message: expect.stringContaining("already approved by product2@cellplane.local"),
    });
  });

  it("a stale request (the flag changed since) is refused and changes nothing; it can still be rejected", async () => {
    const r = await raise("product", 60);
    const id = requestId(r);
    // Another change is approved first: the flag moves on to a new version.
    const f = await flag();
    const other = await setFlagDetails.runAs(
      users.product2!,
      { key: KEY, version: f.version, description: "blur, v3.1", owner: f.owner, salt: f.salt },
      { db: t.prisma },
    );
    expect(await decide("admin", "approve", requestId(other))).toMatchObject({ ok: true });
    const current = await flag();
    expect(current).toMatchObject({ version: f.version + 1, description: "blur, v3.1" });
    const audits = await t.prisma.auditEvent.count();
    expect(await decide("admin", "approve", id)).toMatchObject({
      ok: false,
      code: "CONFLICT",
      message: expect.stringMatching(/^Stale: "videoBackgroundBlur" changed since this request \(version \d+ → \d+\)/),
    });
    expect(await flag()).toMatchObject({ version: current.version, rolloutPercentage: current.rolloutPercentage });
    expect(await t.prisma.auditEvent.count()).toBe(audits);
    expect(await t.prisma.flagChangeRequest.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({ status: "pending" });
    // The requester withdraws it.
    expect(await decide("product", "reject", id, "will propose it again")).toMatchObject({ ok: true });
    expect(await t.prisma.flagChangeRequest.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({
      status: "rejected",
      decidedBy: "product@cellplane.local",
    });
  });

  it("two approvals at once (of one request, and of two requests on one version) apply exactly once", async () => {
    const before = await flag();
    const id = requestId(await raise("product", 70));
    const results = await Promise.all([decide("product2", "approve", id), decide("admin", "approve", id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: "CONFLICT" });
    expect(await flag()).toMatchObject({ rolloutPercentage: 70, version: before.version + 1 });
    expect(await t.prisma.auditEvent.count({ where: { action: "flag.change_approve", targetId: id } })).toBe(1);

    // Two people's requests against the same version: whichever is approved first applies, the other is stale.
    const a = requestId(await raise("product", 80));
    const b = requestId(await raise("product2", 90));
    const both = await Promise.all([decide("admin", "approve", a), decide("product", "approve", b)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/^Stale/) });
    expect([80, 90]).toContain((await flag()).rolloutPercentage);
    expect((await flag()).version).toBe(before.version + 2);
  });

  it("every field a flag action changes waits: schedule, details, and removing the protection itself", async () => {
    const f = await flag();
    const schedule = await setSchedule.runAs(
      users.product!,
      { key: KEY, version: f.version, schedule: [{ at: "2030-01-01T09:00:00Z", percentage: 100 }] },
      { db: t.prisma },
    );
    expect(schedule).toMatchObject({
      ok: true,
      data: { request: { diff: [{ field: "schedule", after: "100% at 2030-01-01 09:00 UTC" }] } },
    });
    const unprotect = await setFlagDetails.runAs(
      users.product!,
      { key: KEY, version: f.version, description: f.description, owner: f.owner, salt: f.salt, protected: false },
      { db: t.prisma },
    );
    expect(unprotect).toMatchObject({
      ok: true,
      data: { request: { diff: [{ field: "protected", before: "protected", after: "not protected" }] } },
    });
    expect(await flag()).toMatchObject({ version: f.version, protected: true, schedule: [] });
    // Marking an unprotected flag protected applies at once.
    const codec = (await getFlag(t.prisma, "smsDeliveryReceiptsV2"))!;
    const mark = await setFlagDetails.runAs(
      users.product!,
      { key: codec.key, version: codec.version, description: codec.description, owner: codec.owner, salt: codec.salt, protected: true },
      { db: t.prisma },
    );
    expect(mark).toMatchObject({ ok: true, data: { version: codec.version + 1 } });
    expect((await getFlag(t.prisma, codec.key))!.protected).toBe(true);
  });
});

describe("a request applies through the flag model again", () => {
  it("on a flag with a guard, a change of another field validates the stored guard as written (and applies)", async () => {
    const guard = { checks: ["error_rate < 2x baseline", { check: "error_rate < 1%", min_samples: 5 }], onBreach: "revert" as const };
    const created = await audited(t.prisma, "product@cellplane.local", (tx) =>
      createFlag(tx, { key: "guardedProtected", owner: "voice-team", guard, protected: true }, new Date()),
    );
    const r = await setRolloutPercentage.runAs(
      users.product!,
      { key: "guardedProtected", version: created.version, percentage: 10 },
      { db: t.prisma },
    );
    expect(await decide("admin", "approve", requestId(r))).toMatchObject({ ok: true });
    const after = (await getFlag(t.prisma, "guardedProtected"))!;
    expect(after).toMatchObject({ rolloutPercentage: 10, version: created.version + 1 });
    expect(after.guard).toEqual(created.guard);
  });
});

describe("the approvals inbox", () => {
  it("lists a pending request as a flag gate with its diff; product owners and admins decide it, not its requester", async () => {
    const id = requestId(await raise("product", 55, "more customers"));
    const inbox = await approvalsInbox(users.product2!, new Date(), t.prisma);
    const gate = inbox.gates.find((g) => g.key === `flag:${id}`);
    expect(gate).toMatchObject({
      kind: "flag",
      subject: { id: KEY },
      decidable: true,
      requestedBy: "product@cellplane.local",
      diff: [{ field: "rolloutPercentage", after: "55%" }],
      ref: { kind: "flag", id },
    });
    expect(gate!.cells.length).toBeGreaterThan(0);
    expect(gate!.customers.enterprise.map((c) => c.id)).toContain("enterprise-customer-123");
    const mine = (await approvalsInbox(users.product!, new Date(), t.prisma)).gates.find((g) => g.key === `flag:${id}`);
    expect(mine).toMatchObject({ decidable: false, whyNot: expect.stringContaining("Four-eyes") });
    const rm = (await approvalsInbox(users.release!, new Date(), t.prisma)).gates.find((g) => g.key === `flag:${id}`);
    expect(rm).toMatchObject({ decidable: false, whyNot: expect.stringContaining("Only product owners and admins") });
    expect(await approvalCounts(users.product2!, t.prisma)).toMatchObject({ yours: inbox.yours });
    expect(inbox.yours).toBeGreaterThanOrEqual(1);
  });
});

describe("flags as code", () => {
  it("an import changing a protected flag creates a request and exits 3; switching it off applies; the rest applies", async () => {
    const f = await flag();
    const exported = await cliIn(t.url, ["export", "flags"]);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain("    protected: true");
    const file = path.join(tmp, "flags.yaml");
    fs.writeFileSync(
      file,
      exported.out
        .replace(`owner: "video-team"`, `owner: "video-platform"`)
        .replace(
          `owner: "messaging-team"\n    enabled: true\n    rolloutPercentage: 50`,
          `owner: "messaging-team"\n    enabled: true\n    rolloutPercentage: 60`,
        ),
    );
    const r = await cliIn(t.url, ["import", "flags", file]);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toContain("~ flag whatsappRichMedia");
    // A guarded flag read back from jsonb (keys in another order) exported and imported unchanged is unchanged.
    expect(r.out).not.toContain("guardedProtected");
    expect(r.out).toMatch(/\? flag videoBackgroundBlur is protected: change request #\d+ waits for approval/);
    expect(r.out).toContain('owner "video-team" → "video-platform"');
    expect(await flag()).toMatchObject({ owner: "video-team", version: f.version });
    expect((await getFlag(t.prisma, "whatsappRichMedia"))!.rolloutPercentage).toBe(60);
    const id = r.out.match(/change request #(\d+)/)![1]!;
    expect(await t.prisma.flagChangeRequest.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({
      action: "import",
      patch: { owner: "video-platform" },
      requestedBy: expect.stringMatching(/^cli:/),
    });
    // Approved in the app: applied as the import, in the CLI user's name.
    expect(await decide("admin", "approve", id)).toMatchObject({ ok: true });
    expect(await flag()).toMatchObject({ owner: "video-platform", version: f.version + 1 });
    expect(await t.prisma.auditEvent.findFirst({ where: { action: "flag.import", targetId: KEY } })).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
    });
  });
});

describe("a change request and a fleet freeze", () => {
  it("a widening request is refused while a freeze is in force — proposed or approved — and applies once it has ended", async () => {
    const before = await flag();
    const r = await raise("product", before.rolloutPercentage + 5, "before the freeze");
    const id = requestId(r);
    const now = new Date();
    const f = await audited(t.prisma, "admin@cellplane.local", (tx) =>
      createFreeze(
        tx,
        { startsAt: new Date(now.getTime() - 60_000), endsAt: new Date(now.getTime() + 3_600_000), reason: "Spring sale" },
        "admin@cellplane.local",
      ),
    );
    const refused = await decide("product2", "approve", id);
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining("Spring sale") });
    expect(await flag()).toMatchObject({ version: before.version, rolloutPercentage: before.rolloutPercentage });
    expect(await t.prisma.flagChangeRequest.findUniqueOrThrow({ where: { id: BigInt(id) } })).toMatchObject({ status: "pending" });
    const proposed = await raise("product", before.rolloutPercentage + 10, "during the freeze");
    expect(proposed).toMatchObject({ ok: false, message: expect.stringContaining("Spring sale") });
    expect((await requestsOf()).filter((q) => q.status === "pending")).toHaveLength(1);
    await audited(t.prisma, "admin@cellplane.local", (tx) => endFreeze(tx, BigInt(f.id), new Date()));
    expect(await decide("product2", "approve", id)).toMatchObject({ ok: true });
    expect(await flag()).toMatchObject({ version: before.version + 1, rolloutPercentage: before.rolloutPercentage + 5 });
  });
});
