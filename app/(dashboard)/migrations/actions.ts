"use server";
import { z } from "zod";
import { canApproveMigration, canRollbackMigration, canRunMigrations } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/roles";
import { defineAction } from "@/lib/auth/server/action";
import { type BlastTarget, seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import type { Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import type { Command } from "@/lib/schema-migrations/machine";
import { commandRun, importManifest, previewManifest, runStarter, startRun } from "@/lib/schema-migrations/server/store";

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
    const speed = typeof input.speed === "number" ? input.speed : scale();
    return startRun(tx, input.id, user.email, new Date(), speed); // audited as migration.start (with the speed)
  },
  revalidate: ["/migrations"],
});

function migrationCommand<S extends z.ZodType>(
  name: string,
  permission: (u: Principal) => boolean,
  input: S,
  build: (i: z.output<S>, u: Principal) => Command,
  extra?: (tx: Tx, i: z.output<S>, u: Principal) => Promise<void>,
  /** A decision whose blast radius the page previews: checked again and recorded with it. */
  blast?: (i: z.output<S>) => { target: BlastTarget; seen: string[] | undefined },
) {
  return defineAction({
    name,
    permission,
    input,
    async run({ tx, input, user }) {
      if (extra) await extra(tx, input, user);
      const now = new Date();
      const b = blast?.(input);
      const shown = b ? await confirmBlastRadius(tx, b.target, b.seen, now) : [];
      const r = await commandRun(tx, (input as { id: string }).id, build(input, user), user.email, now, scale());
      return { data: r.data, audit: [...r.audit, ...shown] };
    },
    revalidate: ["/migrations"],
  });
}

const decision = z.object({
  id: z.string().min(1),
  phase: z.coerce.number().int().min(0),
  step: z.coerce.number().int().min(0),
  comment: z.string().trim().min(3, "say why, in at least 3 characters").max(1000),
  confirm: z.string().max(200).optional(),
  seenWarnings: seenWarningsField,
});
const fourEyes = async (tx: Tx, i: { id: string }, u: Principal) => {
  if (!canApproveMigration(u, await runStarter(tx, i.id)))
    throw new DomainError("PRECONDITION", "four-eyes: the person who started the migration cannot approve its steps");
};
const reason = z.object({ id: z.string().min(1), reason: z.string().trim().min(3, "give a reason of at least 3 characters").max(1000) });

export const approveMigrationAction = migrationCommand(
  "approve migration steps",
  canRunMigrations,
  decision,
  (i, u) => ({ kind: "approve", phase: i.phase, step: i.step, by: u.email, comment: i.comment, confirm: i.confirm }),
  fourEyes,
  (i) => ({ target: { kind: "migration", id: i.id, phase: i.phase, step: i.step }, seen: i.seenWarnings }),
);
export const rejectMigrationAction = migrationCommand(
  "reject migration steps",
  canRunMigrations,
  decision,
  (i, u) => ({ kind: "reject", phase: i.phase, step: i.step, by: u.email, comment: i.comment }),
  fourEyes,
);
export const rollbackMigrationAction = migrationCommand("roll back migrations", canRollbackMigration, reason, (i, u) => ({
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
export const retryMigrationAction = migrationCommand(
  "retry migrations",
  canRunMigrations,
  z.object({ id: z.string().min(1) }),
  (_i, u) => ({ kind: "retry", by: u.email }),
);
