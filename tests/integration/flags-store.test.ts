import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { DomainError } from "@/lib/errors";
import { seedDemo } from "@/lib/fleet/server/seed";
import { exportFlagsYaml } from "@/lib/flags/flags-yaml";
import { effectiveRollout } from "@/lib/flags/schedule";
import { DEMO_FLAGS_MARKER, seedDemoFlags } from "@/lib/flags/server/seed";
import { createFlag, exportFlags, getFlag, importFlagsYaml, updateFlag, type FlagPatch } from "@/lib/flags/server/store";
import { SpecValidationError } from "@/lib/yaml-errors";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("flags");
  await seedDemo(t.prisma, "cellplane");
});
afterAll(() => t.drop());

const count = async (sql: string) => Number((await t.query<{ n: string }>(sql))[0]!.n);

/** What the one door does: the change and its audit event in one transaction. */
const change = (key: string, version: number, patch: FlagPatch, action = "edit", now = new Date(), actor = "product@cellplane.local") =>
  audited(t.prisma, actor, (tx) => updateFlag(tx, key, version, patch, action, now));

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
};

describe("demo flags", () => {
  it("are seeded once, even by two starts at once", async () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const results = await Promise.all([seedDemoFlags(t.prisma, now), seedDemoFlags(t.prisma, now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await seedDemoFlags(t.prisma, now)).toBe(false);
    expect(await count("SELECT count(*) n FROM feature_flags")).toBe(4);
    expect(await count(`SELECT count(*) n FROM system_markers WHERE key = '${DEMO_FLAGS_MARKER}'`)).toBe(1);
    const codec = await getFlag(t.prisma, "newVoiceCodec");
    expect(codec).toMatchObject({ enabled: true, rolloutPercentage: 0, allowlist: ["enterprise-customer-123"], salt: "newVoiceCodec" });
    expect(codec!.schedule.map((s) => [s.at.toISOString(), s.percentage])).toEqual([
      ["2026-12-01T09:00:00.000Z", 0],
      ["2026-12-02T09:00:00.000Z", 5],
      ["2026-12-03T09:00:00.000Z", 25],
      ["2026-12-07T09:00:00.000Z", 100],
    ]);
    expect(await count("SELECT count(*) n FROM audit_events WHERE target_type = 'flag' AND action = 'flag.create'")).toBe(4);
  });
});

describe("changing a flag", () => {
  it("bumps the version and audits before/after of what changed", async () => {
    await audited(t.prisma, "product@cellplane.local", (tx) =>
      createFlag(tx, { key: "checkout.v2", description: "new checkout", owner: "payments" }, new Date()),
    );
    const f = await change("checkout.v2", 1, { rolloutPercentage: 10 }, "percentage");
    expect(f.version).toBe(2);
    const ev = await t.prisma.auditEvent.findFirst({ where: { targetType: "flag", targetId: "checkout.v2", action: "flag.percentage" } });
    expect(ev).toMatchObject({
      actor: "product@cellplane.local",
      before: { rolloutPercentage: 0, effectivePercentage: 0, version: 1 },
      after: { rolloutPercentage: 10, effectivePercentage: 10, version: 2 },
    });
  });

  it("two simultaneous edits of the same version: exactly one wins, the other is a CONFLICT", async () => {
    const { version } = (await getFlag(t.prisma, "checkout.v2"))!;
    const results = await Promise.allSettled([
      change("checkout.v2", version, { rolloutPercentage: 30 }, "percentage", new Date(), "a@x"),
      change("checkout.v2", version, { rolloutPercentage: 60 }, "percentage", new Date(), "b@x"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(DomainError);
    expect(lost.reason).toMatchObject({ code: "CONFLICT" });
    expect((lost.reason as Error).message).toMatch(/changed by (a|b)@x/);
    const f = (await getFlag(t.prisma, "checkout.v2"))!;
    expect(f.version).toBe(version + 1);
    expect([30, 60]).toContain(f.rolloutPercentage);
    expect(
      await t.prisma.auditEvent.count({
        where: { targetId: "checkout.v2", action: "flag.percentage", after: { path: ["version"], equals: version + 1 } },
      }),
    ).toBe(1);
  });

  it.each<[string, FlagPatch, string, string]>([
    ["a percentage above 100", { rolloutPercentage: 101 }, "rolloutPercentage", "must be a whole number from 0 to 100"],
    ["a fractional percentage", { rolloutPercentage: 2.5 }, "rolloutPercentage", "must be a whole number from 0 to 100"],
    [
      "an unknown customer in the allowlist",
      { allowlist: ["enterprise-customer-123", "ghost-7"] },
      "allowlist[1]",
      'unknown customer "ghost-7"',
    ],
    [
      "a schedule out of time order",
      {
        schedule: [
          { at: "2026-12-02T00:00:00Z", percentage: 5 },
          { at: "2026-12-01T00:00:00Z", percentage: 25 },
        ],
      },
      "schedule[1].at",
      "not in time order",
    ],
    ["an unknown cell", { targeting: { tiers: [], cells: ["nowhere-1"], regions: [] } }, "targeting.cells[0]", 'unknown cell "nowhere-1"'],
    ["an empty salt", { salt: " " }, "salt", "must not be empty"],
  ])("refuses %s with the field and reason, and changes nothing", async (_n, patch, field, message) => {
    const before = (await getFlag(t.prisma, "checkout.v2"))!;
    const auditBefore = await t.prisma.auditEvent.count();
    const e = await rejection(change("checkout.v2", before.version, patch));
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("INVALID");
    expect((e as DomainError).fieldErrors?.[field]?.join()).toContain(message);
    expect(await getFlag(t.prisma, "checkout.v2")).toEqual(before);
    expect(await t.prisma.auditEvent.count()).toBe(auditBefore);
  });

  it("an unknown flag is NOT_FOUND; a taken key is a CONFLICT", async () => {
    expect(await rejection(change("nope", 1, { enabled: true }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await rejection(t.prisma.$transaction((tx) => createFlag(tx, { key: "checkout.v2" }, new Date())))).toMatchObject({
      code: "CONFLICT",
    });
  });

  it("setting the percentage by hand takes effect now, even over a scheduled step, until the next step", async () => {
    const codec = (await getFlag(t.prisma, "newVoiceCodec"))!;
    const day2 = new Date("2026-12-02T12:00:00Z"); // the 5% step is in force
    expect(effectiveRollout(codec, day2).percentage).toBe(5);
    // 0% by hand: the stored value is already 0, yet the effective percentage must change.
    const paused = await change("newVoiceCodec", codec.version, { rolloutPercentage: 0 }, "percentage", day2);
    expect(effectiveRollout(paused, day2)).toMatchObject({ percentage: 0, source: { kind: "manual" } });
    expect(effectiveRollout(paused, new Date("2026-12-03T09:00:00Z")).percentage).toBe(25);
    const ev = await t.prisma.auditEvent.findFirst({
      where: { targetId: "newVoiceCodec", action: "flag.percentage" },
      orderBy: { id: "desc" },
    });
    expect(ev).toMatchObject({ before: { effectivePercentage: 5 }, after: { effectivePercentage: 0 } });
  });

  it("a customer deleted or a cell retired since never blocks the kill switch", async () => {
    await t.prisma.customer.create({ data: { id: "leaving-customer", name: "Leaving", plan: "pro", homeCellId: "smb-us-1" } });
    await audited(t.prisma, "product@cellplane.local", (tx) =>
      createFlag(
        tx,
        { key: "legacyFax", enabled: true, allowlist: ["leaving-customer"], targeting: { tiers: [], cells: ["smb-ap-3"], regions: [] } },
        new Date(),
      ),
    );
    await t.prisma.customer.delete({ where: { id: "leaving-customer" } });
    await t.prisma.cell.update({ where: { id: "smb-ap-3" }, data: { status: "retired" } });
    const killed = await change("legacyFax", 1, { enabled: false }, "toggle");
    expect(killed).toMatchObject({ enabled: false, version: 2, allowlist: ["leaving-customer"] });
    // Adding such a reference again is still refused.
    const e = await rejection(
      change("legacyFax", 2, {
        targeting: { tiers: [], cells: ["smb-ap-3", "smb-ap-2"], regions: [] },
        allowlist: ["leaving-customer", "gone-too"],
      }),
    );
    expect((e as DomainError).fieldErrors).toEqual({ "allowlist[1]": ['unknown customer "gone-too" (not in the customers table)'] });
    await t.prisma.cell.update({ where: { id: "smb-ap-3" }, data: { status: "active" } });
  });

  it("a change that changes nothing writes nothing", async () => {
    // Row versions (xmin) show any write, even one that stores the same values.
    const rows = () =>
      t.query(
        `SELECT 'flag' AS t, xmin::text, key, version, updated_at FROM feature_flags WHERE key = 'newVoiceCodec'
         UNION ALL SELECT 'step', xmin::text, flag_key, NULL, NULL FROM flag_schedule_steps WHERE flag_key = 'newVoiceCodec'
         ORDER BY 1, 2`,
      );
    const f = (await getFlag(t.prisma, "newVoiceCodec"))!;
    expect(f.schedule.length).toBeGreaterThan(0);
    const before = await rows();
    const auditBefore = await t.prisma.auditEvent.count();
    const same = await change("newVoiceCodec", f.version, {
      owner: f.owner,
      description: f.description,
      enabled: f.enabled,
      allowlist: [...f.allowlist],
      targeting: f.targeting,
      schedule: f.schedule.map((s) => ({ at: s.at, percentage: s.percentage })),
    });
    expect(same).toEqual(f);
    expect(await rows()).toEqual(before);
    expect(await t.prisma.auditEvent.count()).toBe(auditBefore);
  });
});

describe("flags as code", () => {
  it("imports by key in one transaction: creates, updates, leaves the rest, audits each", async () => {
    const yaml = `flags:
  - key: checkout.v2
    owner: payments
    description: new checkout
    enabled: true
    rolloutPercentage: 50
  - key: fax.v1
    description: Fax over IP
`;
    const before = (await getFlag(t.prisma, "checkout.v2"))!;
    const summary = await audited(t.prisma, "cli:test", (tx) => importFlagsYaml(tx, yaml, "flags.yaml", new Date()));
    expect(summary).toEqual({ created: ["fax.v1"], updated: ["checkout.v2"], unchanged: [] });
    const after = (await getFlag(t.prisma, "checkout.v2"))!;
    expect(after).toMatchObject({ enabled: true, rolloutPercentage: 50, version: before.version + 1, salt: before.salt });
    expect(await getFlag(t.prisma, "newVoiceCodec")).not.toBeNull();
    expect(
      await t.prisma.auditEvent.findFirst({ where: { action: "flag.import", targetId: "checkout.v2" }, orderBy: { id: "desc" } }),
    ).toMatchObject({
      actor: "cli:test",
      before: { enabled: false, version: before.version },
      after: { enabled: true, rolloutPercentage: 50, version: before.version + 1 },
    });
    const again = await audited(t.prisma, "cli:test", (tx) => importFlagsYaml(tx, yaml, "flags.yaml", new Date()));
    expect(again).toEqual({ created: [], updated: [], unchanged: ["checkout.v2", "fax.v1"] });
  });

  it("a file with any problem changes nothing and names the lines", async () => {
    const snapshot = JSON.stringify(await exportFlags(t.prisma));
    const audits = await t.prisma.auditEvent.count();
    const yaml = `flags:
  - key: checkout.v2
    rolloutPercentage: 75
  - key: brandNew
    allowlist: [smb-customer-1003, no-such-customer]
`;
    const e = await rejection(audited(t.prisma, "cli:test", (tx) => importFlagsYaml(tx, yaml, "flags.yaml", new Date())));
    expect(e).toBeInstanceOf(SpecValidationError);
    expect((e as SpecValidationError).errors).toEqual([
      { line: 5, field: "flags[1].allowlist[1]", message: 'unknown customer "no-such-customer" (not in the customers table)' },
    ]);
    expect(JSON.stringify(await exportFlags(t.prisma))).toBe(snapshot);
    expect(await t.prisma.auditEvent.count()).toBe(audits);
  });

  it("export then import is a no-op", async () => {
    const text = exportFlagsYaml(await exportFlags(t.prisma));
    const r = await audited(t.prisma, "cli:test", (tx) => importFlagsYaml(tx, text, "export.yaml", new Date()));
    expect(r.created).toEqual([]);
    expect(r.updated).toEqual([]);
    expect(r.unchanged.length).toBe(await count("SELECT count(*) n FROM feature_flags"));
  });

  it("the database itself refuses out-of-range values", async () => {
    await expect(t.query(`UPDATE feature_flags SET rollout_percentage = 101 WHERE key = 'checkout.v2'`)).rejects.toThrow(
      /rollout_percentage_range/,
    );
    await expect(t.query(`INSERT INTO feature_flags (key, salt) VALUES ('9bad', 'x')`)).rejects.toThrow(/key_format/);
  });
});
