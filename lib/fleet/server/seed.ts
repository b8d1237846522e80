// The demo: the example fleet, its running versions, ~5 customers per cell and one user per role.
// Runs once per database: a marker row written in the same transaction makes a second start a no-op.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { withAudit } from "@/lib/audit/server/record";
import { hashPassword } from "@/lib/auth/passwords";
import type { Role } from "@/lib/auth/roles";
import { parseFleetYaml, type CellSpec } from "../fleet-yaml";
import { applyFleet, serviceCatalogue } from "./store";

export const DEMO_MARKER = "demo-seed:v1";

export const DEMO_VERSIONS: Record<string, string> = {
  sms: "v2.4.0",
  voice: "v3.1.2",
  video: "v1.8.0",
  whatsapp: "v1.12.3",
  email: "v4.0.1",
};

export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: "viewer@cellplane.local", name: "Vera Viewer", role: "VIEWER" },
  { email: "sre@cellplane.local", name: "Sam Reyes", role: "SRE" },
  { email: "release@cellplane.local", name: "Riley Morgan", role: "RELEASE_MANAGER" },
  { email: "release2@cellplane.local", name: "Robin Okafor", role: "RELEASE_MANAGER" },
  { email: "product@cellplane.local", name: "Priya Natarajan", role: "PRODUCT_OWNER" },
  { email: "product2@cellplane.local", name: "Kai Lindqvist", role: "PRODUCT_OWNER" },
  { email: "admin@cellplane.local", name: "Alex Admin", role: "ADMIN" },
];

const NAMES = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Stark",
  "Wayne",
  "Hooli",
  "Soylent",
  "Tyrell",
  "Cyberdyne",
  "Wonka",
  "Aperture",
  "Vandelay",
  "Pied Piper",
  "Oscorp",
  "Massive Dynamic",
  "Nakatomi",
  "Gringotts",
  "Monsters Inc",
  "Dunder Mifflin",
  "Prestige",
  "Sirius",
  "Virtucon",
  "Gekko",
  "Bluth",
  "Ollivander",
];
const SUFFIX = ["Health", "Logistics", "Retail", "Bank", "Labs", "Travel", "Media", "Foods", "Energy", "Telecom"];

/** ~5 customers per cell, deterministic; `enterprise-customer-123` lives on enterprise-us-hipaa. */
export function demoCustomers(cells: CellSpec[]) {
  const out: { id: string; name: string; plan: string; homeCellId: string }[] = [];
  let n = 0;
  for (const cell of cells) {
    const count = cell.tier === "enterprise" ? 4 : cell.tier === "canary" ? 3 : 5;
    for (let i = 0; i < count; i++, n++) {
      const name = `${NAMES[n % NAMES.length]} ${SUFFIX[(n * 7) % SUFFIX.length]}`;
      const plan = cell.tier === "enterprise" ? "enterprise" : cell.tier === "canary" ? "beta" : i % 3 === 0 ? "pro" : "self-serve";
      out.push({
        id: `${cell.tier === "enterprise" ? "enterprise" : cell.tier === "canary" ? "beta" : "smb"}-customer-${String(1000 + n)}`,
        name,
        plan,
        homeCellId: cell.id,
      });
    }
  }
  const hipaa = cells.find((c) => c.id === "enterprise-us-hipaa") ?? cells.find((c) => c.tier === "enterprise");
  if (hipaa) out.push({ id: "enterprise-customer-123", name: "Mercy General Hospital", plan: "enterprise", homeCellId: hipaa.id });
  return out;
}

export function demoFleetFile(root = process.cwd()): string {
  return fs.readFileSync(path.join(root, "examples", "fleet.yaml"), "utf8");
}

/** Seed the demo once. Returns false when this database was already seeded. */
export async function seedDemo(db: Db, password: string, root = process.cwd()): Promise<boolean> {
  const catalogue = await serviceCatalogue(db);
  const spec = parseFleetYaml(demoFleetFile(root), catalogue);
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(password)));
  return db.$transaction(
    async (tx) => {
      const claimed = await tx.systemMarker.createMany({ data: [{ key: DEMO_MARKER }], skipDuplicates: true });
      if (claimed.count === 0) return false;
      await withAudit(tx, "system:seed", async (tx) => {
        const fleet = await applyFleet(tx, spec, "examples/fleet.yaml");
        for (const [service, version] of Object.entries(DEMO_VERSIONS)) {
          await tx.cellService.updateMany({ where: { serviceId: service }, data: { desiredVersion: version, observedVersion: version } });
        }
        const customers = demoCustomers(spec.cells);
        await tx.customer.createMany({ data: customers, skipDuplicates: true });
        await tx.user.createMany({
          data: DEMO_USERS.map((u, i) => ({ ...u, passwordHash: hashes[i]! })),
          skipDuplicates: true,
        });
        const seeded = {
          action: "demo.seed",
          targetType: "fleet",
          targetId: "fleet",
          after: { cells: spec.cells.length, customers: customers.length, users: DEMO_USERS.map((u) => u.email) },
        };
        return { data: null, audit: [...fleet.audit, seeded] };
      });
      return true;
    },
    { timeout: 60_000 },
  );
}
