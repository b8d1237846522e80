// Policy changes of a pipeline import: what a new version removes or weakens compared with the one
// stored. An import with any of these is not applied at once: it waits as a pending change for a
// release manager or admin other than the person who proposed it (four-eyes). Pure.
//
// Compared with the stored version (waves matched by name):
//   - an approval gate removed (requires_approval true → false), or a gated wave gone;
//   - cells that were behind an approval gate and no longer are (planned against the fleet now:
//     moving cells into an earlier wave without a gate counts);
//   - checks removed (a changed threshold is the old check removed), or a wave with checks gone;
//   - a notify target added, changed or removed.
// A new pipeline has nothing to compare with; it is held to the house floor instead: every
// enterprise cell it deploys to sits behind an approval gate, and every wave has a check.
import { redactTarget } from "@/lib/secrets/redact";
import { formatCheck } from "./checks";
import { type PlanCell, planWaves } from "./plan";
import type { PipelineSpec } from "./types";

export type PolicyChangeKind =
  | "gate_removed"
  | "gated_wave_removed"
  | "cells_ungated"
  | "checks_removed"
  | "notify_changed"
  | "enterprise_ungated"
  | "wave_unchecked";

export interface PolicyChange {
  kind: PolicyChangeKind;
  /** The wave it is about (absent for fleet-wide findings). */
  wave?: string;
  /** One line for people; notify targets appear redacted. */
  text: string;
}

const target = (t: string | null) => (t ? redactTarget(t) : "nobody");

/** Cells of the planned waves whose pipeline wave has an approval gate (a one-at-a-time wave's gate covers all its cells). */
function gatedCells(spec: PipelineSpec, fleet: PlanCell[]): Set<string> {
  const gated = new Set(spec.waves.filter((w) => w.requiresApproval).map((w) => w.name));
  return new Set(
    planWaves(spec, fleet)
      .filter((w) => gated.has(w.group))
      .flatMap((w) => w.cells),
  );
}

export function policyChanges(prev: PipelineSpec | null, next: PipelineSpec, fleet: PlanCell[]): PolicyChange[] {
  return prev ? weakenings(prev, next, fleet) : belowFloor(next, fleet);
}

function weakenings(prev: PipelineSpec, next: PipelineSpec, fleet: PlanCell[]): PolicyChange[] {
  const out: PolicyChange[] = [];
  const nextByName = new Map(next.waves.map((w) => [w.name, w]));
  for (const p of prev.waves) {
    const n = nextByName.get(p.name);
    if (!n) {
      if (p.requiresApproval)
        out.push({ kind: "gated_wave_removed", wave: p.name, text: `wave ${p.name}, which had an approval gate, is gone` });
      if (p.checks.length)
        out.push({
          kind: "checks_removed",
          wave: p.name,
          text: `wave ${p.name} is gone with its checks: ${p.checks.map(formatCheck).join(", ")}`,
        });
      if (p.notify)
        out.push({
          kind: "notify_changed",
          wave: p.name,
          text: `wave ${p.name} is gone: nobody is notified instead of ${target(p.notify)}`,
        });
      continue;
    }
    if (p.requiresApproval && !n.requiresApproval)
      out.push({ kind: "gate_removed", wave: p.name, text: `wave ${p.name}: approval gate removed` });
    const kept = new Set(n.checks.map(formatCheck));
    const removed = p.checks.map(formatCheck).filter((c) => !kept.has(c));
    if (removed.length) {
      const added = n.checks.map(formatCheck).filter((c) => !p.checks.some((x) => formatCheck(x) === c));
      out.push({
        kind: "checks_removed",
        wave: p.name,
        text: `wave ${p.name}: check${removed.length === 1 ? "" : "s"} removed: ${removed.join(", ")}${added.length ? ` (added: ${added.join(", ")})` : ""}`,
      });
    }
    if ((p.notify ?? null) !== (n.notify ?? null))
      out.push({
        kind: "notify_changed",
        wave: p.name,
        text: `wave ${p.name}: notifies ${target(n.notify)} instead of ${target(p.notify)}`,
      });
  }
  const prevNames = new Set(prev.waves.map((w) => w.name));
  for (const n of next.waves)
    if (!prevNames.has(n.name) && n.notify)
      out.push({ kind: "notify_changed", wave: n.name, text: `new wave ${n.name} notifies ${target(n.notify)}` });
  const now = gatedCells(next, fleet);
  const lost = [...gatedCells(prev, fleet)].filter((c) => !now.has(c));
  if (lost.length) out.push({ kind: "cells_ungated", text: `no longer behind an approval gate: ${lost.join(", ")}` });
  return out;
}

function belowFloor(next: PipelineSpec, fleet: PlanCell[]): PolicyChange[] {
  const out: PolicyChange[] = [];
  const enterprise = new Set(fleet.filter((c) => c.tier === "enterprise").map((c) => c.id));
  const gated = gatedCells(next, fleet);
  const ungated = planWaves(next, fleet)
    .flatMap((w) => w.cells)
    .filter((c) => enterprise.has(c) && !gated.has(c));
  if (ungated.length) out.push({ kind: "enterprise_ungated", text: `enterprise cells without an approval gate: ${ungated.join(", ")}` });
  for (const w of next.waves)
    if (w.checks.length === 0) out.push({ kind: "wave_unchecked", wave: w.name, text: `wave ${w.name} has no checks` });
  return out;
}
