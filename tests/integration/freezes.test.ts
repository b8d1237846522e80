// Freezes cover everything, against real PostgreSQL with an injected clock: a scheduled flag step
// waits for the freeze's end (evaluation included: the snapshot reloads when a freeze is declared or
// ended), raising a flag by hand or by import is refused, no migration step starts, no route is
// enabled — each refusal names the freeze and changes nothing (audit log included).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { projectTime } from "@/lib/changes/server/projector";
import { seedDemo } from "@/lib/fleet/server/seed";
import { bucketOf } from "@/lib/flags/bucket";
import { evaluate } from "@/lib/flags/evaluate";
import { effectiveRollout } from "@/lib/flags/schedule";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { createFlagSource } from "@/lib/flags/server/source";
import { createFlag, type FlagPatch, getFlag, importFlagsYaml, updateFlag } from "@/lib/flags/server/store";
import { parseGatewayYaml } from "@/lib/gateway/config-yaml";
import type { LifecycleAction } from "@/lib/gateway/lifecycle";
import { seedGatewayDemo } from "@/lib/gateway/server/seed";
import { applyGatewayImport, changeRouteLifecycle, configVersion, loadRoutes } from "@/lib/gateway/server/store";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import { importManifest, loadRun, startRun, tickRun } from "@/lib/schema-migrations/server/store";
import { createFreeze, endFreeze } from "@/lib/settings/server/store";
import { cliIn } from "../support/cli";
import { refusal } from "../support/refusal";
import { freshDatabase, type TestDatabase } from "../support/db";
import { canaryThenAll, expandPhase, migrationYaml } from "../support/yaml-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const H = 3_600_000;
const DAY = 24 * H;
// The demo flags are seeded at T: newVoiceCodec 0% → T+1d 5% → T+2d 25% → T+6d 100%.
const T = new Date("2027-03-01T09:00:00Z");
const at = (ms: number) => new Date(T.getTime() + ms);
const PO = "product@cellplane.local";
const ADMIN = "admin@cellplane.local";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("freezes");
  await seedDemo(t.prisma, "cellplane", ROOT);
  await seedPipelines(t.prisma, ROOT);
  await seedDemoFlags(t.prisma, T);
  await seedGatewayDemo(t.prisma, T);
}, 120_000);
afterAll(() => t.drop());

const freeze = (startsAt: Date, endsAt: Date, reason: string) =>
  audited(t.prisma, ADMIN, (tx) => createFreeze(tx, { startsAt, endsAt, reason }, ADMIN));
const audits = () => t.prisma.auditEvent.count();
const editFlag = (key: string, patch: FlagPatch, now: Date) =>
  audited(t.prisma, PO, async (tx) => updateFlag(tx, key, (await getFlag(tx, key))!.version, patch, "edit", now));

describe("a scheduled flag step during a freeze", () => {
  it("does not take effect — nor is it served — until the freeze ends; declaring and ending a freeze reach evaluation at once", async () => {
    const ids = (await t.prisma.customer.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((c) => c.id);
    const middle = ids.find(
      (id) => id !== "enterprise-customer-123" && bucketOf("newVoiceCodec", id) > 5 && bucketOf("newVoiceCodec", id) <= 25,
    )!;
    const source = createFlagSource(t.prisma);
    const served = async (now: Date) => {
      const { snapshot, home } = await source.read(middle);
      const e = evaluate(snapshot.flags.get("newVoiceCodec")!, { targetingKey: middle, ...home }, now, home?.versions ?? null);
      return e.flagMetadata.percentage;
    };
    const day2 = at(2 * DAY + H);
    expect(await served(day2)).toBe(25);

    // A freeze from day 1.5 to day 3: the day-2 step (25%) waits; 5% stays in force.
    const f = await freeze(at(1.5 * DAY), at(3 * DAY), "Spring sale");
    expect(await served(day2)).toBe(5);
    const flag = (await getFlag(t.prisma, "newVoiceCodec"))!;
    expect(effectiveRollout(flag, day2)).toMatchObject({ percentage: 5, source: { kind: "frozen", planned: 25 } });
    expect(await served(at(3 * DAY - 1))).toBe(5);
    // When it ends the step whose time passed applies at once; later steps keep their times.
    expect(await served(at(3 * DAY))).toBe(25);
    expect(effectiveRollout(flag, at(6 * DAY)).percentage).toBe(100);

    // Ended early (at day 2 + 2h): the schedule is in force again from then, in evaluation too.
    await audited(t.prisma, ADMIN, (tx) => endFreeze(tx, BigInt(f.id), at(2 * DAY + 2 * H)));
    expect(await served(at(2 * DAY + 3 * H))).toBe(25);
    expect(effectiveRollout((await getFlag(t.prisma, "newVoiceCodec"))!, at(2 * DAY + 3 * H)).percentage).toBe(25);
  });
});

describe("during a freeze (day 10 to day 11)", () => {
  const frozenAt = at(10 * DAY + H);
  const after = at(11 * DAY);
  beforeAll(async () => {
    await audited(t.prisma, PO, (tx) => createFlag(tx, { key: "checkout.v2", owner: "payments" }, at(9 * DAY)));
    await editFlag(
      "checkout.v2",
      { enabled: true, rolloutPercentage: 20, targeting: { tiers: ["smb"], cells: [], regions: [] } },
      at(9 * DAY),
    );
    await audited(t.prisma, PO, (tx) => createFlag(tx, { key: "import.me", owner: "payments" }, at(9 * DAY)));
    await editFlag("import.me", { enabled: true, rolloutPercentage: 30 }, at(9 * DAY));
    await freeze(at(10 * DAY), after, "Year-end close");
  });
  const words = "fleet freeze until 2027-03-12 09:00 UTC: Year-end close";

  it.each<[string, FlagPatch, string]>([
    ["raising the percentage by hand", { rolloutPercentage: 30 }, "raising the rollout percentage from 20% to 30%"],
    ["adding an allowlisted customer", { allowlist: ["enterprise-customer-123"] }, "adding enterprise-customer-123 to the allowlist"],
    ["widening the targeting", { targeting: { tiers: [], cells: [], regions: [] } }, "targeting every tier (was smb)"],
  ])("%s is refused, naming the freeze; nothing changes, the audit log included", async (_, patch, what) => {
    const before = await getFlag(t.prisma, "checkout.v2");
    const n = await audits();
    const e = await refusal(editFlag("checkout.v2", patch, frozenAt));
    expect(e.code).toBe("PRECONDITION");
    expect(e.message).toContain(`Changing "checkout.v2" (${what}) is refused during the ${words}.`);
    expect(await getFlag(t.prisma, "checkout.v2")).toEqual(before);
    expect(await audits()).toBe(n);
  });

  it("lowering and the kill switch still work; turning the flag back on does not; after the freeze it does", async () => {
    const lowered = await editFlag("checkout.v2", { rolloutPercentage: 10 }, frozenAt);
    expect(lowered.version).toBe(3);
    await editFlag("checkout.v2", { enabled: false }, frozenAt);
    const n = await audits();
    expect((await refusal(editFlag("checkout.v2", { enabled: true }, frozenAt))).message).toContain("turning the flag on");
    expect(await audits()).toBe(n);
    const on = await editFlag("checkout.v2", { enabled: true, rolloutPercentage: 30 }, after);
    expect(on).toMatchObject({ enabled: true, rolloutPercentage: 30 });
  });

  it("a flags file that raises a flag or adds one that is on is refused whole, naming the flag and the freeze", async () => {
    const n = await audits();
    const before = await getFlag(t.prisma, "import.me");
    const frozenNow = at(10 * DAY + 2 * H);
    const file = "flags:\n  - key: import.me\n    enabled: true\n    rolloutPercentage: 50\n";
    const e = await refusal(audited(t.prisma, PO, (tx) => importFlagsYaml(tx, file, "flags.yaml", frozenNow)));
    expect(e.message).toContain(`Changing "import.me" (raising the rollout percentage from 30% to 50%) is refused during the ${words}`);
    const e2 = await refusal(
      audited(t.prisma, PO, (tx) =>
        importFlagsYaml(tx, "flags:\n  - key: brandNew\n    enabled: true\n    rolloutPercentage: 5\n", "flags.yaml", frozenNow),
      ),
    );
    expect(e2.message).toContain(`Changing "brandNew" (turning a new flag on) is refused during the ${words}`);
    expect(await getFlag(t.prisma, "brandNew")).toBeNull();
    expect(await getFlag(t.prisma, "import.me")).toEqual(before);
    expect(await audits()).toBe(n);
    // A file that only lowers is applied.
    const ok = await audited(t.prisma, PO, (tx) =>
      importFlagsYaml(tx, "flags:\n  - key: import.me\n    enabled: true\n    rolloutPercentage: 5\n", "flags.yaml", frozenNow),
    );
    expect(ok.updated).toEqual(["import.me"]);
  });

  it("no migration cell starts a new phase or step; the run goes on once the freeze is over", async () => {
    const manifest = migrationYaml("frozen-expand", [expandPhase(canaryThenAll("1h"))]);
    await audited(t.prisma, "release@cellplane.local", (tx) => importManifest(tx, manifest, "release@cellplane.local", ROOT, new Date()));
    await audited(t.prisma, "release@cellplane.local", (tx) => startRun(tx, "frozen-expand", "release@cellplane.local", frozenAt, 1));
    await tickRun(t.prisma, "frozen-expand", at(10 * DAY + 2 * H));
    let run = (await loadRun(t.prisma, "frozen-expand"))!.state;
    expect(run.cells["canary-us-internal"]!.expand!.status).toBe("pending");
    expect(run.doc.phases[0]!.waiting).toBe(`step 1 of 2 waits: ${words}`);
    await tickRun(t.prisma, "frozen-expand", after);
    run = (await loadRun(t.prisma, "frozen-expand"))!.state;
    expect(run.cells["canary-us-internal"]!.expand!.status).toBe("running");
    expect(run.doc.phases[0]!.waiting).toBeNull();
  });

  it("enabling a route (by hand or by import) is refused, naming the freeze; nothing changes; after the freeze it goes through", async () => {
    const change = (action: LifecycleAction, now: Date, actor = "release@cellplane.local") =>
      audited(t.prisma, actor, (tx) => changeRouteLifecycle(tx, { key: "POST /v2/Calls", action }, actor, now));
    const v = (await configVersion(t.prisma)).version;
    const n = await audits();
    const e = await refusal(change({ kind: "enable", force: { reason: "carrier deadline, verified by hand" } }, frozenAt, ADMIN));
    expect(e.code).toBe("PRECONDITION");
    expect(e.message).toContain(`Enabling POST /v2/Calls is refused during the ${words}.`);
    const example = fs.readFileSync(path.join(ROOT, "examples/api-gateway-config.yaml"), "utf8");
    const yaml = example.replace("status: disabled ", "status: active   ");
    const services = ["sms", "voice", "video", "whatsapp", "email"];
    const e2 = await refusal(
      audited(t.prisma, ADMIN, (tx) => applyGatewayImport(tx, parseGatewayYaml(yaml, services, frozenAt), ADMIN, "file", frozenAt)),
    );
    expect(e2.message).toContain(`Importing this file (it enables POST /v2/Calls) is refused during the ${words}`);
    expect((await configVersion(t.prisma)).version).toBe(v);
    expect((await loadRoutes(t.prisma)).find((r) => r.path === "/v2/Calls")?.status).toBe("disabled");
    expect(await audits()).toBe(n);
    const r = await change({ kind: "enable", force: { reason: "carrier deadline, verified by hand" } }, after, ADMIN);
    expect(r.route.status).toBe("active");
  });
});

describe("the change log and a freeze", () => {
  it("records a ramp step that waited for a freeze when the freeze ends, not when its time passed", async () => {
    await audited(t.prisma, PO, (tx) =>
      createFlag(
        tx,
        { key: "ramp.frozen", enabled: true, rolloutPercentage: 5, schedule: [{ at: at(20 * DAY + 12 * H), percentage: 40 }] },
        at(19 * DAY),
      ),
    );
    await freeze(at(20 * DAY), at(21 * DAY), "Quarter end");
    const logged = () =>
      t.query<{ at: Date; summary: string; source: string }>(
        "SELECT at, summary, source FROM change_events WHERE kind = 'flag' AND summary LIKE 'flag ramp.frozen%' AND source NOT LIKE 'audit:%' ORDER BY id",
      );
    await projectTime(t.prisma, at(20 * DAY + H)); // the first pass records the flags' states and the watermark
    await projectTime(t.prisma, at(20 * DAY + 13 * H)); // the step's time passed during the freeze: nothing changed
    expect(await logged()).toEqual([]);
    await projectTime(t.prisma, at(21 * DAY + H));
    const rows = await logged();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.at.getTime() === at(21 * DAY).getTime())).toBe(true);
    expect(rows[0]!.summary).toContain("5% → 40% in force here");
    expect(rows[0]!.source).toMatch(/^freeze:\d+:end:ramp\.frozen$/);
  });
});

describe("the flags CLI during a freeze", () => {
  it("refuses a file that raises a flag, naming the freeze; exit 1", async () => {
    const now = new Date();
    await freeze(new Date(now.getTime() - 60_000), new Date(now.getTime() + H), "Incident 42");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-freeze-")), "flags.yaml");
    fs.writeFileSync(file, "flags:\n  - key: checkout.v2\n    enabled: true\n    rolloutPercentage: 90\n");
    const r = await cliIn(t.url, ["import", "flags", file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /Changing "checkout\.v2" \(raising the rollout percentage from \d+% to 90%; targeting every tier \(was smb\)\) is refused during the fleet freeze until .* UTC: Incident 42/,
    );
    expect((await getFlag(t.prisma, "checkout.v2"))!.rolloutPercentage).not.toBe(90);
  });
});
