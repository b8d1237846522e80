"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/server/action";
import { canImportFleet } from "@/lib/auth/permissions";
import { diffFleet, parseFleetYaml, type FleetDiff } from "@/lib/fleet/fleet-yaml";
import { applyFleet, readRegistry, serviceCatalogue } from "@/lib/fleet/server/store";

const input = z.object({
  yaml: z.string().min(1, "paste or upload a fleet YAML file").max(1_000_000, "the file is larger than 1 MB"),
  mode: z.enum(["preview", "apply"]).default("apply"),
});

const importFleet = defineAction({
  name: "import the fleet",
  permission: canImportFleet,
  input,
  timeoutMs: 60_000,
  async run({ tx, input, user }): Promise<{ data: { applied: boolean; diff: FleetDiff; cells: number }; audit: [] }> {
    const spec = parseFleetYaml(input.yaml, await serviceCatalogue(tx));
    if (input.mode === "preview") {
      return { data: { applied: false, diff: diffFleet(await readRegistry(tx), spec), cells: spec.cells.length }, audit: [] };
    }
    // applyFleet writes one audit event per changed cell and one for the import, in this transaction.
    const diff = await applyFleet(tx, spec, user.email, "ui upload");
    return { data: { applied: true, diff, cells: spec.cells.length }, audit: [] };
  },
});

export async function importFleetAction(raw: unknown) {
  const result = await importFleet(raw);
  if (result.ok && result.data.applied) revalidatePath("/", "layout");
  return result;
}
