// The forward rules of each kind of phase, cell by cell (pure). What stays global is what the manifest
// makes global: a schema phase's rollout steps (their order, waits and approvals), a backfill's
// parallel_cells, and a deployment phase's release through its pipeline — a cell enters a phase that
// needs new code only once that release reached it.
import { freezeText } from "@/lib/settings/freezes";
import { blocker, isRed, phaseDone, redHold } from "./cells";
import {
  cellAt,
  cellOf,
  event,
  HOLDING,
  listCells,
  type Observations,
  releaseActive,
  releaseCells,
  setCell,
  type Step,
  type StepRun,
} from "./run-model";

const specOf = (step: Step, i: number) => step.state.doc.spec.phases[i]!;

/** Cells of the open steps (and steps done before) that are pending and may start: they start. */
function startReadyCells(step: Step, i: number, obs: Observations) {
  const { state } = step;
  const p = state.doc.phases[i]!;
  for (const s of p.steps) {
    if (!["applying", "waiting", "done"].includes(s.state)) continue;
    const ready = s.cells.filter((c) => cellOf(state, c, p.name).status === "pending" && !blocker(state, c, i, obs));
    if (!ready.length) continue;
    for (const c of ready) setCell(state, c, p.name, "running");
    event(step, "migration.cells", `${p.name} started on ${ready.join(", ")}`, { phase: p.name, cells: ready });
  }
}

/** A pending step opens, or asks for its approval, once one of its cells could start. */
function openStep(step: Step, i: number, s: StepRun, obs: Observations, now: Date) {
  const { state } = step;
  const { doc } = state;
  const p = doc.phases[i]!;
  if (s.cells.length === 0) {
    s.state = "done";
    p.step++;
    return;
  }
  // A step opens (or asks for its approval) once one of its cells could start: "open" means work.
  const ready = s.cells.some((c) => cellOf(state, c, p.name).status === "pending" && !blocker(state, c, i, obs));
  if (!ready) {
    // A step that waits only for the freeze says so on the page.
    const frozen =
      obs.freeze && s.cells.some((c) => cellOf(state, c, p.name).status === "pending" && !blocker(state, c, i, { ...obs, freeze: null }));
    p.waiting = frozen ? `step ${p.step + 1} of ${p.steps.length} waits: ${freezeText(obs.freeze!)}` : null;
    return;
  }
  p.waiting = null;
  if (s.requiresApproval && !s.decision) {
    s.state = "awaiting_approval";
    s.awaitingSince = now.toISOString();
    event(step, "migration.gate", `${p.name} on ${s.cells.join(", ")} waits for approval`, { phase: p.name, cells: s.cells });
    return;
  }
  s.state = "applying";
  event(step, "migration.step", `${p.name}: step ${p.step + 1} of ${p.steps.length} (${s.patterns.join(", ")}) open`, {
    phase: p.name,
    cells: s.cells,
  });
}

/** An open step waits once its cells are done — the held ones aside — then the next step may open. */
function settleStep(step: Step, i: number, s: StepRun, obs: Observations, now: Date) {
  const { state } = step;
  const p = state.doc.phases[i]!;
  const stopped = s.cells.filter((c) => HOLDING.includes(cellOf(state, c, p.name).status));
  if (stopped.length) {
    const errors = stopped.map((c) => `${c}${cellOf(state, c, p.name).error ? ` (${cellOf(state, c, p.name).error})` : ""}`);
    p.waiting = `step ${p.step + 1} holds the steps after it: ${p.name} ${stopped.length === 1 ? "failed" : "failed or stopped"} on ${errors.join(", ")}`;
    return;
  }
  p.waiting = null;
  const complete = s.cells.filter((c) => cellOf(state, c, p.name).status === "complete");
  const expected = s.cells.filter((c) => cellOf(state, c, p.name).status !== "complete" && !blocker(state, c, i, obs)?.held);
  if (expected.length || complete.length === 0) return;
  s.state = "waiting";
  s.waitUntil = new Date(now.getTime() + s.waitMs / state.doc.timeScale).toISOString();
  const left = s.cells.filter((c) => !complete.includes(c));
  event(
    step,
    "migration.cells",
    `${p.name} complete on ${complete.join(", ")}${left.length ? ` (held back: ${left.join(", ")})` : ""}; waiting until ${s.waitUntil}`,
    { phase: p.name, cells: complete },
  );
}

/** A schema phase: its steps open in order, each step's cells start as soon as each is ready. */
export function advanceSchema(step: Step, i: number, obs: Observations, now: Date) {
  const p = step.state.doc.phases[i]!;
  startReadyCells(step, i, obs);
  const s = p.steps[p.step];
  if (!s) return;
  if (s.state === "pending") return openStep(step, i, s, obs, now);
  if (s.state === "applying") return settleStep(step, i, s, obs, now);
  if (s.state === "waiting" && now >= new Date(s.waitUntil!)) {
    s.state = "done";
    p.step++;
  }
}

/** A backfill: ready cells start in rollout order up to parallel_cells; a red cell does not start. */
export function advanceData(step: Step, i: number, obs: Observations) {
  const { state } = step;
  const p = state.doc.phases[i]!;
  const spec = specOf(step, i);
  if (spec.type !== "data") return;
  const order = state.doc.spec.cells;
  let running = order.filter((c) => cellOf(state, c, p.name).status === "running").length;
  for (const c of order) {
    if (running >= spec.parallelCells) return;
    if (cellOf(state, c, p.name).status !== "pending" || isRed(obs, c) || blocker(state, c, i, obs)) continue;
    setCell(state, c, p.name, "running");
    running++;
    event(step, "migration.cells", `${p.name} started on ${c}`, { phase: p.name, cells: [c] });
  }
}

/**
 * Record on each cell what holds it from outside the migration — drift found before its next phase,
 * red health on its backfill (a running one pauses) — so the pages say so; each change is audited.
 */
export function markHolds(step: Step, obs: Observations) {
  const { state } = step;
  const { doc } = state;
  for (const cell of doc.spec.cells) {
    const next = doc.phases.findIndex((_, k) => !phaseDone(state, cell, k));
    doc.phases.forEach((p, k) => {
      const c = cellOf(state, cell, p.name);
      let hold: string | null = null;
      if (k === next && c.status === "pending" && obs.drift?.[cell]) hold = `schema drift: ${obs.drift[cell]}`;
      else if (k === next && p.type === "data" && (c.status === "pending" || c.status === "running") && isRed(obs, cell))
        hold = redHold(cell);
      if ((c.held ?? null) === hold) return;
      cellAt(state, cell, p.name).held = hold;
      if (hold) event(step, "migration.held", `${p.name} on ${cell}: ${hold}`, { phase: p.name, cells: [cell] });
      else event(step, "migration.released", `${p.name} on ${cell} may go on`, { phase: p.name, cells: [cell] });
    });
  }
}

/**
 * What a deployment phase's latest release says about its cells: passed → complete; once it has
 * finished, the cells it did not pass → failed. A finished release is settled once (a cell retried
 * afterwards waits for the next release).
 */
function followRelease(step: Step, i: number, obs: Observations): "active" | "finished" | "unknown" {
  const { state } = step;
  const { doc } = state;
  const p = doc.phases[i]!;
  const spec = specOf(step, i);
  if (!p.releaseId) return "finished";
  const rel = (p.releases ??= []).find((r) => r.id === p.releaseId) ?? { id: p.releaseId, cells: releaseCells(doc, p, p.releaseId) };
  if (!p.releases.includes(rel)) p.releases.push(rel);
  if (rel.settled) return "finished";
  const r = obs.releases[p.releaseId];
  if (!r) return "unknown";
  const active = releaseActive(r.status);
  const what = spec.type === "deployment" ? `${spec.service} ${spec.version}` : p.name;
  for (const c of rel.cells) {
    const cur = cellOf(state, c, p.name).status;
    if (cur !== "running" && cur !== "pending") continue;
    if (r.status === "succeeded" || r.passedCells.includes(c)) setCell(state, c, p.name, "complete", null);
    else if (!active) setCell(state, c, p.name, "failed", `release ${p.releaseId} of ${what} was ${r.status.replace("_", " ")}`);
    else if (cur === "pending") setCell(state, c, p.name, "running");
  }
  if (!active) {
    rel.settled = true;
    return "finished";
  }
  p.waiting =
    r.status === "awaiting_approval"
      ? `release ${p.releaseId} waits for a gate approval`
      : r.status === "paused"
        ? `release ${p.releaseId} is paused`
        : null;
  return "active";
}

/**
 * A deployment phase: one release through its pipeline for every cell able to take it — it starts once
 * every cell not held is ready — and a later release for cells held back then, once they are.
 */
export function advanceDeployment(step: Step, i: number, obs: Observations) {
  const { state } = step;
  const { doc } = state;
  const p = doc.phases[i]!;
  const spec = specOf(step, i);
  if (spec.type !== "deployment" || followRelease(step, i, obs) !== "finished") return;
  const pending = doc.spec.cells.filter((c) => cellOf(state, c, p.name).status === "pending");
  if (!pending.length) {
    p.waiting = null;
    return;
  }
  const blocked = pending.map((c) => ({ c, b: blocker(state, c, i, obs) }));
  const waitingFor = blocked.filter((x) => x.b && !x.b.held);
  const ready = blocked.filter((x) => !x.b).map((x) => x.c);
  if (waitingFor.length) {
    const first = waitingFor[0]!;
    p.waiting = `${spec.service} ${spec.version} rolls once ${listCells(waitingFor.map((x) => x.c))} ${waitingFor.length === 1 ? "is" : "are"} ready (${first.c}: ${first.b!.why})`;
    return;
  }
  if (!ready.length) {
    p.waiting = null;
    return;
  }
  p.waiting = `starting the release of ${spec.service} ${spec.version} on ${listCells(ready)}`;
  step.effects.push({
    kind: "startRelease",
    phase: i,
    version: spec.version,
    pipeline: spec.pipeline,
    service: spec.service,
    cells: ready,
  });
}
