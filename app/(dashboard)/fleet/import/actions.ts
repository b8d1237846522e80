"use server";
import { z } from "zod";
import { canImportFleet } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { applyFleet, previewFleet, serviceCatalogue } from "@/lib/fleet/server/store";

export const importFleetAction = defineAction({
  name: "import the fleet",
  permission: canImportFleet,
  input: z.object({
    yaml: z.string().min(1, "paste or upload a fleet YAML file").max(1_000_000, "the file is larger than 1 MB"),
    mode: z.enum(["preview", "apply"]).default("apply"),
  }),
  timeoutMs: 60_000,
  async run({ tx, input }) {
    const spec = parseFleetYaml(input.yaml, await serviceCatalogue(tx));
    if (input.mode === "preview")
      return { data: { applied: false, diff: await previewFleet(tx, spec), cells: spec.cells.length }, audit: [] };
    // One audit event per changed cell and one for the import.
    const { data: diff, audit } = await applyFleet(tx, spec, "ui upload");
    return { data: { applied: true, diff, cells: spec.cells.length }, audit };
  },
  revalidate: (r) => (r.applied ? [{ layout: "/" }] : []),
});
