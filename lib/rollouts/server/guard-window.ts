// What a wave's guard sees, read for the engine: the wave's cells on the new version over the
// guard's window, a baseline for relative checks, and the alerts on its cells.
//
// Baseline (canary versus baseline, Kayenta's idea in a simple form): the cells of the same tier(s)
// as the wave that still report the old version, pooled, over the same window. When the tier has no
// such cell left (the last wave of a tier), the wave's own cells on the old version over an equally
// long window just before the deploy started.
//
// Readings come from the health source in force (lib/health/server/guard-readings.ts).
import type { Tx } from "@/lib/db/client";
import { alertsOverlapping, guardReadings } from "@/lib/health/server/guard-readings";
import { guardStart, type ReleaseDoc, type WaveRun } from "../engine";
import { EMPTY_READING, type GuardWindow, trailingWindow } from "../guards";

type Baseline = GuardWindow["baseline"];

/** The old (service, version) pairs of a wave: what its cells ran before it deployed. */
function oldSeries(doc: ReleaseDoc, w: WaveRun) {
  const seen = new Map<string, { service: string; version: string }>();
  for (const perService of Object.values(w.previous ?? {})) {
    for (const [service, version] of Object.entries(perService)) {
      if (version && version !== doc.versions[service]) seen.set(`${service}@${version}`, { service, version });
    }
  }
  return [...seen.values()];
}

async function baselineOf(tx: Tx, doc: ReleaseDoc, w: WaveRun, from: Date, to: Date): Promise<Baseline> {
  const series = oldSeries(doc, w);
  if (series.length === 0) return null;
  const tiers = await tx.cell.findMany({ where: { id: { in: w.cells } }, select: { tier: true }, distinct: ["tier"] });
  const peers = await tx.cell.findMany({
    where: { tier: { in: tiers.map((t) => t.tier) }, status: { not: "retired" }, id: { notIn: w.cells } },
    select: { id: true },
  });
  const tierText = tiers.map((t) => t.tier).join("/");
  const same = (await guardReadings(tx, { cells: peers.map((p) => p.id), series, from, to, pooled: true }))["*"];
  if (same && same.samples > 0) {
    return { reading: same, label: `${tierText} cells on the old version`, from: from.toISOString(), to: to.toISOString() };
  }
  // No cell of the tier reports the old version any more: the wave's own cells before the deploy.
  const deployAt = new Date(w.deployStartedAt ?? to.toISOString());
  const before = new Date(deployAt.getTime() - Math.max(to.getTime() - from.getTime(), 1));
  const own = (await guardReadings(tx, { cells: w.cells, series, from: before, to: deployAt, pooled: true }))["*"];
  return {
    reading: own ?? EMPTY_READING,
    label: "the same cells before the deploy",
    from: before.toISOString(),
    to: deployAt.toISOString(),
  };
}

/**
 * The guard's window for wave `w`: `continuous` — the trailing window while it deploys or bakes;
 * `final` — the whole bake, for the end-of-bake validation.
 */
export async function waveWindow(
  tx: Tx,
  doc: ReleaseDoc,
  w: WaveRun,
  mode: "continuous" | "final",
  now: Date,
  timeScale: number,
): Promise<GuardWindow> {
  const since = mode === "final" ? new Date(w.bakeStartedAt ?? w.since) : guardStart(w);
  const { from, to } = mode === "final" ? { from: since, to: now } : trailingWindow(now, since, timeScale);
  const series = Object.entries(doc.versions).map(([service, version]) => ({ service, version }));
  const [cells, baseline, alerts] = await Promise.all([
    guardReadings(tx, { cells: w.cells, series, from, to }),
    w.checks.some((c) => c.kind === "relative") ? baselineOf(tx, doc, w, from, to) : Promise.resolve(null),
    alertsOverlapping(tx, w.cells, since, to),
  ]);
  return { from: from.toISOString(), to: to.toISOString(), cells, baseline, alerts };
}
