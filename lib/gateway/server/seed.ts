// The demo route table: examples/api-gateway-config.yaml imported once per database, with a marker
// row written in the same transaction so a second start is a no-op (and a later edit survives).
import fs from "node:fs";
import path from "node:path";
import { withAudit } from "@/lib/audit/server/record";
import type { Db } from "@/lib/db/client";
import { serviceCatalogue } from "@/lib/fleet/server/store";
import { parseGatewayYaml } from "../config-yaml";
import { applyGatewayImport } from "./store";

export const GATEWAY_DEMO_MARKER = "demo-seed:gateway:v1";
export const GATEWAY_EXAMPLE = path.join("examples", "api-gateway-config.yaml");

/** Seed the demo route table once. Returns false when this database already had it. */
export async function seedGatewayDemo(db: Db, now: Date, root = process.cwd()): Promise<boolean> {
  const text = fs.readFileSync(path.join(root, GATEWAY_EXAMPLE), "utf8");
  const parsed = parseGatewayYaml(text, await serviceCatalogue(db), now);
  return db.$transaction(
    async (tx) => {
      const claimed = await tx.systemMarker.createMany({ data: [{ key: GATEWAY_DEMO_MARKER }], skipDuplicates: true });
      if (claimed.count === 0) return false;
      await withAudit(tx, "system:seed", (tx) => applyGatewayImport(tx, parsed, "system:seed", GATEWAY_EXAMPLE, now));
      return true;
    },
    { timeout: 30_000 },
  );
}
