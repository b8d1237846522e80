"use server";
import { z } from "zod";
import { canImportFleet } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import type { AuditInput } from "@/lib/audit/events";
import { type BlastRadius, seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius, loadBlastRadius } from "@/lib/changes/server/blast-radius";
import { DomainError } from "@/lib/errors";
import { type Consequences, confirms, retirePhrase } from "@/lib/fleet/consequences";
import { type FleetDiff, parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { consequencesFor } from "@/lib/fleet/server/queries";
import { applyFleet, previewFleet, serviceCatalogue } from "@/lib/fleet/server/store";
import { yamlImportFields } from "@/lib/imports/input";

export interface FleetImportOutcome {
  applied: boolean;
  diff: FleetDiff;
  cells: number;
  /** The cells it retires, and whose customers are homed there. */
  retiring: Consequences;
  /** What must be typed to retire them (null: it retires nothing). */
  phrase: string | null;
  /** The preview's blast radius (null once applied). */
  blast: BlastRadius | null;
}

export const importFleetAction = defineAction({
  name: "import the fleet",
  permission: canImportFleet,
  input: z.object({
    ...yamlImportFields("a fleet YAML file"),
    /** Retiring cells must be confirmed by typing "retire N cells" (the preview says which, and whose customers). */
    confirm: z.string().max(100).optional(),
    /** The blast radius warnings the preview showed (checked again and recorded). */
    seenWarnings: seenWarningsField,
  }),
  timeoutMs: 60_000,
  async run({ tx, input }): Promise<{ data: FleetImportOutcome; audit: AuditInput[] }> {
    const now = new Date();
    const spec = parseFleetYaml(input.yaml, await serviceCatalogue(tx));
    const diff = await previewFleet(tx, spec);
    const retiring = await consequencesFor(
      diff.removed.map((c) => c.id),
      tx,
    );
    const phrase = diff.removed.length ? retirePhrase(diff.removed.length) : null;
    const target = { kind: "fleet", yaml: input.yaml } as const;
    if (input.mode === "preview") {
      const blast = await loadBlastRadius(tx, target, now);
      return { data: { applied: false, diff, cells: spec.cells.length, retiring, phrase, blast }, audit: [] };
    }
    if (phrase && !confirms(input.confirm, phrase))
      throw new DomainError("INVALID", `This import retires ${diff.removed.map((c) => c.id).join(", ")}: type “${phrase}” to confirm.`, {
        confirm: [`type “${phrase}” to confirm`],
      });
    const shown = await confirmBlastRadius(tx, target, input.seenWarnings, now);
    // One audit event per changed cell and one for the import.
    const { data: applied, audit } = await applyFleet(tx, spec, "ui upload");
    return { data: { applied: true, diff: applied, cells: spec.cells.length, retiring, phrase, blast: null }, audit: [...audit, ...shown] };
  },
  revalidate: (r) => (r.applied ? [{ layout: "/" }] : []),
});
