// Gate decisions as stored: one row per decided gate, written in the transaction of the transition
// the decision makes (lib/transitions/server/transition.ts, its `record` step). The unique index of
// each table — one decision per release wave, per migration phase step — is the last guard against
// a gate decided twice; the row lock of the transition is the first. A flag change request is its own
// row: the decision is written on it, only while it is pending.
import type { Tx } from "@/lib/db/client";
import type { GateRef } from "../gates";

export interface GateDecision {
  decision: "approve" | "reject";
  comment: string;
}

/** Record `actor`'s decision on the gate `ref`. */
export async function recordDecision(tx: Tx, ref: GateRef, d: GateDecision, actor: string, now: Date): Promise<void> {
  const row = { decision: d.decision, comment: d.comment, decidedBy: actor, decidedAt: now };
  switch (ref.kind) {
    case "release":
      await tx.releaseApproval.create({ data: { releaseId: ref.id, wave: ref.wave, ...row } });
      return;
    case "migration":
      await tx.migrationApproval.create({ data: { runId: ref.id, phase: ref.phase, step: ref.step, ...row } });
      return;
    case "flag": {
      const { count } = await tx.flagChangeRequest.updateMany({
        where: { id: BigInt(ref.id), status: "pending" },
        data: { status: d.decision === "approve" ? "approved" : "rejected", decidedBy: actor, decidedAt: now, decisionComment: d.comment },
      });
      if (count !== 1) throw new Error(`flag change request #${ref.id} is not pending`);
      return;
    }
  }
}
