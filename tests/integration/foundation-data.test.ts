import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit/server/record";
import { checkToken, createToken, createUser } from "@/lib/auth/server/users";
import { parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { DEMO_USERS, seedDemo } from "@/lib/fleet/server/seed";
import { applyFleet, exportRegistry, serviceCatalogue } from "@/lib/fleet/server/store";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("foundation");
});
afterAll(() => t.drop());

const count = async (table: string) => Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

describe("demo seed", () => {
  it("seeds the example fleet, customers and users once, even when started twice at once", async () => {
    const results = await Promise.all([seedDemo(t.prisma, "cellplane"), seedDemo(t.prisma, "cellplane")]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await count("cells")).toBe(16);
    expect(await count("cell_services")).toBe(16 * 5);
    expect(await count("users")).toBe(DEMO_USERS.length);
    const customers = await count("customers");
    expect(customers).toBeGreaterThanOrEqual(60);
    const vip = await t.prisma.customer.findUnique({ where: { id: "enterprise-customer-123" } });
    expect(vip?.homeCellId).toBe("enterprise-us-hipaa");
    expect(await seedDemo(t.prisma, "cellplane")).toBe(false);
    expect(await count("customers")).toBe(customers);
  });

  it("exports the registry in the example's shape (same cells, same services)", async () => {
    const spec = await exportRegistry(t.prisma);
    const example = parseFleetYaml(fs.readFileSync("examples/fleet.yaml", "utf8"), await serviceCatalogue(t.prisma));
    expect(spec.services).toEqual(example.services);
    expect([...spec.cells].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...example.cells].sort((a, b) => a.id.localeCompare(b.id)));
  });
});

describe("fleet import", () => {
  it("adds, changes and retires cells in one transaction with one audit event per cell", async () => {
    const services = await serviceCatalogue(t.prisma);
    const spec = parseFleetYaml(fs.readFileSync("examples/fleet.yaml", "utf8"), services);
    spec.cells = spec.cells.filter((c) => c.id !== "smb-ap-3");
    spec.cells.push({ id: "smb-sa-1", tier: "smb", region: "sa-east-1", compliance: [] });
    spec.cells.find((c) => c.id === "smb-us-1")!.region = "us-east-9";
    const auditBefore = await count("audit_events");
    const diff = await t.prisma.$transaction((tx) => applyFleet(tx, spec, "test", "test"));
    expect(diff.added.map((c) => c.id)).toEqual(["smb-sa-1"]);
    expect(diff.removed.map((c) => c.id)).toEqual(["smb-ap-3"]);
    expect(diff.changed).toEqual([{ id: "smb-us-1", field: "region", from: "us-east-1", to: "us-east-9" }]);
    expect((await t.prisma.cell.findUnique({ where: { id: "smb-ap-3" } }))?.status).toBe("retired");
    expect(await t.prisma.cellService.count({ where: { cellId: "smb-sa-1" } })).toBe(5);
    expect((await count("audit_events")) - auditBefore).toBe(4); // create, retire, update, fleet.import
  });

  it("a failure inside the transaction leaves the registry unchanged", async () => {
    const services = await serviceCatalogue(t.prisma);
    const spec = parseFleetYaml("template:\n  services: [sms]\ncells:\n  - { id: smb-zz-1, tier: smb, region: x }\n", services);
    const cellsBefore = await count("cells");
    const auditBefore = await count("audit_events");
    await expect(
      t.prisma.$transaction(async (tx) => {
        await applyFleet(tx, spec, "test", "test");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await count("cells")).toBe(cellsBefore);
    expect(await count("audit_events")).toBe(auditBefore);
  });
});

describe("audit log", () => {
  it("is append-only in the database: UPDATE, DELETE and TRUNCATE are refused", async () => {
    await t.prisma.$transaction((tx) => recordAudit(tx, "test", { action: "x.y", targetType: "t", targetId: "1", after: { a: 1 } }));
    await expect(t.query(`UPDATE audit_events SET actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(t.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(t.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    expect(await count("audit_events")).toBeGreaterThan(0);
  });
});

describe("users and tokens", () => {
  it("stores only the token's hash and checks scopes: 401 unknown, 403 wrong scope", async () => {
    const { token } = await t.prisma.$transaction((tx) => createToken(tx, { name: "cell-agent", scopes: ["telemetry:write"] }, "test"));
    const row = await t.prisma.apiToken.findUnique({ where: { name: "cell-agent" } });
    expect(row!.tokenHash).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await checkToken(t.prisma, `Bearer ${token}`, "telemetry:write")).toMatchObject({ ok: true, name: "cell-agent" });
    expect(await checkToken(t.prisma, `Bearer ${token}`, "flags:read")).toMatchObject({ ok: false, status: 403 });
    expect(await checkToken(t.prisma, `Bearer cp_nope`, "telemetry:write")).toMatchObject({ ok: false, status: 401 });
    expect(await checkToken(t.prisma, null, "telemetry:write")).toMatchObject({ ok: false, status: 401 });
  });

  it("creates users with a bcrypt hash and an audit event; duplicate emails are refused", async () => {
    const u = await t.prisma.$transaction((tx) =>
      createUser(tx, { email: "New@Example.com", name: "New", role: "SRE", password: "longenough" }, "test"),
    );
    expect(u.email).toBe("new@example.com");
    const row = await t.prisma.user.findUnique({ where: { email: "new@example.com" } });
    expect(row!.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    await expect(
      t.prisma.$transaction((tx) => createUser(tx, { email: "new@example.com", name: "Dup", role: "SRE", password: "longenough" }, "test")),
    ).rejects.toThrow();
    expect(await t.prisma.auditEvent.count({ where: { action: "user.create", targetId: "new@example.com" } })).toBe(1);
  });
});
