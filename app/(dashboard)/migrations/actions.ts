"use server";
import { z } from "zod";
import { canDecideGates, canRollbackMigration, canRunMigrations } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { seenWarningsField } from "@/lib/changes/blast-radius";
import { env } from "@/lib/env";
import type { Command } from "@/lib/schema-migrations/machine";
import { commandRun, importManifest, previewManifest, startRun } from "@/lib/schema-migrations/server/store";
import { commandActions } from "@/lib/transitions/server/command-action";
import { withTypedId } from "@/lib/transitions/typed-id";

// Scripts named by a manifest resolve against the app's examples/ folder (see the README).
const ROOT = process.cwd();
const scale = () => env().CELLPLANE_TIME_SCALE;

const source = z.object({ source: z.string().min(1, "paste a migration manifest").max(200_000) });

export const previewMigrationAction = defineAction({
  name: "import migrations",
  permission: canRunMigrations,
  input: source,
  async run({ tx, input }) {
    const p = await previewManifest(tx, input.source, ROOT);
    return {
      data: {
        id: p.spec.id,
        phases: p.spec.phases.map((x) => ({ name: x.name, type: x.type })),
        cells: p.spec.cells.length,
        warnings: p.warnings,
      },
      audit: [],
    }; // reads only
  },
});

export const importMigrationAction = defineAction({
  name: "import migrations",
  permission: canRunMigrations,
  input: source,
  async run({ tx, input, user }) {
    const { data: r, audit } = await importManifest(tx, input.source, user.email, ROOT, new Date());
    return { data: { id: r.spec.id, created: r.created, warnings: r.warnings }, audit };
  },
  revalidate: ["/migrations"],
});

export const startMigrationAction = defineAction({
  name: "start migrations",
  permission: canRunMigrations,
  input: z.object({
    id: z.string().min(1),
    // The run's own time compression for waits (recorded and audited); default: the server's.
    speed: z.union([z.literal(""), z.coerce.number().positive("must be above 0").max(10_000_000, "at most 10000000")]).optional(),
  }),
  async run({ tx, input, user }) {
    // One clock for the run: its waits and the bakes of the releases it starts are divided by this speed.
    const speed = typeof input.speed === "number" ? input.speed : scale();
    return startRun(tx, input.id, user.email, new Date(), speed); // audited as migration.start (with the speed)
  },
  revalidate: ["/migrations"],
});

// Every command goes to the run's transition (lib/transitions); the machine decides it under the row
// lock, four-eyes and the typed confirmation included (lib/approvals/four-eyes.ts).
const migrationCommand = commandActions(commandRun, ["/migrations", "/approvals"]);

const decision = z.object({
  id: z.string().min(1),
  phase: z.coerce.number().int().min(0),
  step: z.coerce.number().int().min(0),
  comment: z.string().trim().min(3, "say why, in at least 3 characters").max(1000),
  confirm: z.string().max(200).optional(),
  seenWarnings: seenWarningsField,
});
const reason = z.object({ id: z.string().min(1), reason: z.string().trim().min(3, "give a reason of at least 3 characters").max(1000) });

export const approveMigrationAction = migrationCommand(
  "approve migration steps",
  canDecideGates,
  decision,
  (i, u): Command => ({ kind: "approve", phase: i.phase, step: i.step, by: u.email, comment: i.comment, confirm: i.confirm }),
  (i) => ({ target: { kind: "migration", id: i.id, phase: i.phase, step: i.step }, seen: i.seenWarnings }),
);
export const rejectMigrationAction = migrationCommand(
  "reject migration steps",
  canDecideGates,
  decision,
  (i, u): Command => ({ kind: "reject", phase: i.phase, step: i.step, by: u.email, comment: i.comment }),
);
/** Rolling a whole migration back touches every cell it reached: the migration id is typed to confirm. */
const rollbackInput = withTypedId(reason, "type the migration id to confirm the rollback");

export const rollbackMigrationAction = migrationCommand("roll back migrations", canRollbackMigration, rollbackInput, (i, u) => ({
  kind: "rollback",
  by: u.email,
  reason: i.reason,
}));
export const rollbackCellAction = migrationCommand(
  "roll back migration cells",
  canRollbackMigration,
  reason.extend({ cell: z.string().min(1) }),
  (i, u) => ({ kind: "rollbackCell", cell: i.cell, by: u.email, reason: i.reason }),
);
// Retry one cell (its failed, stopped or rolled-back phases, or a backfill with rows left), or every held cell.
export const retryMigrationAction = migrationCommand(
  "retry migrations",
  canRunMigrations,
  z.object({ id: z.string().min(1), cell: z.string().min(1).max(100).optional() }),
  (i, u) => ({ kind: "retry", by: u.email, cell: i.cell }),
);
