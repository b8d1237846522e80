"use server";
import { z } from "zod";
import { canImportFleet } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { type BlastRadius, seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius, loadBlastRadius } from "@/lib/changes/server/blast-radius";
import type { AuditInput } from "@/lib/audit/events";
import { type FleetDiff, parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { applyFleet, previewFleet, serviceCatalogue } from "@/lib/fleet/server/store";

export interface FleetImportOutcome {
  applied: boolean;
  diff: FleetDiff;
  cells: number;
  /** The preview's blast radius (null once applied). */
  blast: BlastRadius | null;
}

export const importFleetAction = defineAction({
  name: "import the fleet",
  permission: canImportFleet,
  input: z.object({
    yaml: z.string().min(1, "paste or upload a fleet YAML file").max(1_000_000, "the file is larger than 1 MB"),
    mode: z.enum(["preview", "apply"]).default("apply"),
    /** The blast radius warnings the preview showed (checked again and recorded). */
    seenWarnings: seenWarningsField,
  }),
  timeoutMs: 60_000,
  async run({ tx, input }): Promise<{ data: FleetImportOutcome; audit: AuditInput[] }> {
    const now = new Date();
    const spec = parseFleetYaml(input.yaml, await serviceCatalogue(tx));
    if (input.mode === "preview") {
      const blast = await loadBlastRadius(tx, { kind: "fleet", yaml: input.yaml }, now);
      return { data: { applied: false, diff: await previewFleet(tx, spec), cells: spec.cells.length, blast }, audit: [] };
    }
    const shown = await confirmBlastRadius(tx, { kind: "fleet", yaml: input.yaml }, input.seenWarnings, now);
    // One audit event per changed cell and one for the import.
    const { data: diff, audit } = await applyFleet(tx, spec, "ui upload");
    return { data: { applied: true, diff, cells: spec.cells.length, blast: null }, audit: [...audit, ...shown] };
  },
  revalidate: (r) => (r.applied ? [{ layout: "/" }] : []),
});
