"use server";
import { z } from "zod";
import { canImportFleet } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { DomainError } from "@/lib/errors";
import { confirms, retirePhrase } from "@/lib/fleet/consequences";
import { parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { consequencesFor } from "@/lib/fleet/server/queries";
import { applyFleet, previewFleet, serviceCatalogue } from "@/lib/fleet/server/store";

export const importFleetAction = defineAction({
  name: "import the fleet",
  permission: canImportFleet,
  input: z.object({
    yaml: z.string().min(1, "paste or upload a fleet YAML file").max(1_000_000, "the file is larger than 1 MB"),
    mode: z.enum(["preview", "apply"]).default("apply"),
    /** Retiring cells must be confirmed by typing "retire N cells" (the preview says which, and whose customers). */
    confirm: z.string().max(100).optional(),
  }),
  timeoutMs: 60_000,
  async run({ tx, input }) {
    const spec = parseFleetYaml(input.yaml, await serviceCatalogue(tx));
    const diff = await previewFleet(tx, spec);
    const retiring = await consequencesFor(
      diff.removed.map((c) => c.id),
      tx,
    );
    const phrase = diff.removed.length ? retirePhrase(diff.removed.length) : null;
    if (input.mode === "preview") return { data: { applied: false, diff, cells: spec.cells.length, retiring, phrase }, audit: [] };
    if (phrase && !confirms(input.confirm, phrase))
      throw new DomainError("INVALID", `This import retires ${diff.removed.map((c) => c.id).join(", ")}: type “${phrase}” to confirm.`, {
        confirm: [`type “${phrase}” to confirm`],
      });
    // One audit event per changed cell and one for the import.
    const { data: applied, audit } = await applyFleet(tx, spec, "ui upload");
    return { data: { applied: true, diff: applied, cells: spec.cells.length, retiring, phrase }, audit };
  },
  revalidate: (r) => (r.applied ? [{ layout: "/" }] : []),
});
