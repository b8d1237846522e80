// Destructive steps that touch customers need their typed confirmation on the server itself: the
// same action without it is refused (INVALID, the `confirm` field named) and changes nothing.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abortAction } from "@/app/(dashboard)/releases/actions";
import { importFleetAction } from "@/app/(dashboard)/fleet/import/actions";
import { audited } from "@/lib/audit/server/record";
import type { Principal } from "@/lib/auth/roles";
import { seedDemo } from "@/lib/fleet/server/seed";
import { createRelease, stepRelease } from "@/lib/rollouts/server/release-store";
import { freshDatabase, type TestDatabase } from "../support/db";

const ROOT = path.resolve(import.meta.dirname, "../..");
let t: TestDatabase;
let admin: Principal;
let rm: Principal;
beforeAll(async () => {
  t = await freshDatabase("confirmations");
  await seedDemo(t.prisma, "cellplane", ROOT);
  await t.prisma.pipeline.create({ data: { id: "test", name: "Test", format: "native", source: "", spec: {}, updatedBy: "test" } });
  const u = await t.prisma.user.findMany();
  const pick = (email: string) => {
    const x = u.find((v) => v.email === email)!;
    return { id: x.id, email: x.email, name: x.name, role: x.role };
  };
  admin = pick("admin@cellplane.local");
  rm = pick("release@cellplane.local");
});
afterAll(async () => {
  await t.drop();
});

const count = (sql: string) => t.query<{ n: string }>(sql).then((r) => Number(r[0]!.n));

describe("typed confirmations, checked by the server", () => {
  it("an import that retires a cell is refused without “retire 1 cell” typed, and applied with it", async () => {
    const fleet = fs.readFileSync(path.join(ROOT, "examples/fleet.yaml"), "utf8").replace(/\n {2}- \{ id: smb-ap-3.*\n/, "\n");
    const events = await count(`SELECT count(*) AS n FROM audit_events`);
    const refused = await importFleetAction.runAs(admin, { yaml: fleet, mode: "apply" }, { db: t.prisma });
    expect(refused).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { confirm: ["type “retire 1 cell” to confirm"] } });
    const wrong = await importFleetAction.runAs(admin, { yaml: fleet, mode: "apply", confirm: "retire 2 cells" }, { db: t.prisma });
    expect(wrong.ok).toBe(false);
    expect(await count(`SELECT count(*) AS n FROM cells WHERE status = 'retired'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_events`)).toBe(events);
    // The preview says what and whose: the cell, its customers, the phrase.
    const preview = await importFleetAction.runAs(admin, { yaml: fleet, mode: "preview" }, { db: t.prisma });
    expect(preview).toMatchObject({ ok: true, data: { phrase: "retire 1 cell", retiring: { cells: ["smb-ap-3"] } } });
    const ok = await importFleetAction.runAs(admin, { yaml: fleet, mode: "apply", confirm: " retire 1 cell " }, { db: t.prisma });
    expect(ok.ok).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM cells WHERE status = 'retired'`)).toBe(1);
  });

  it("an abort without the release id typed is refused and the release keeps running", async () => {
    const { id } = await audited(t.prisma, rm.email, (tx) =>
      createRelease(
        tx,
        {
          pipelineId: "test",
          versions: { email: "v9.9.9" },
          plan: [
            {
              name: "w",
              group: "w",
              cells: ["smb-us-1"],
              parallel: true,
              bakeMs: 60_000,
              requiresApproval: false,
              notify: null,
              maintenanceWindow: false,
              checks: [],
            },
          ],
        },
        rm.email,
        new Date(),
      ),
    );
    await audited(t.prisma, "test", (tx) => stepRelease(tx, id, new Date(), 1));
    const refused = await abortAction.runAs(rm, { id, reason: "wrong build" }, { db: t.prisma });
    expect(refused).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { confirm: ["type the release id to confirm the abort"] } });
    expect((await t.prisma.release.findUnique({ where: { id } }))!.status).toBe("running");
    const ok = await abortAction.runAs(rm, { id, reason: "wrong build", confirm: id }, { db: t.prisma });
    expect(ok.ok).toBe(true);
    expect((await t.prisma.release.findUnique({ where: { id } }))!.status).toBe("aborted");
  });
});
