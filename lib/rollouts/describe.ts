// Short human descriptions of pipelines for lists and the CLI:
// "canary 45m → 25% of smb 4h → rest of smb 8h → enterprise one at a time 1d each".
import { formatDuration } from "./durations";
import type { PipelineSpec, Selector, WaveSpec } from "./types";

function selectorLabel(s: Selector): string {
  switch (s.kind) {
    case "ids":
      return s.ids.length === 1 ? s.ids[0]! : `${s.ids.length} cells`;
    case "glob":
      return s.pattern;
    case "tier":
      return s.tier;
    case "percent":
      return `${s.percent}% of ${s.tier}`;
    case "rest":
      return `rest of ${s.tier}`;
  }
}

/** What a wave takes: its name when it lists cells by id, else its selectors. */
export function waveTarget(w: WaveSpec): string {
  const rules = w.selectors.filter((s) => s.kind !== "ids");
  if (rules.length === 0) return w.name;
  const ids = w.selectors.filter((s) => s.kind === "ids");
  return [...rules, ...ids].map(selectorLabel).join(" + ");
}

export function waveSummary(w: WaveSpec): string {
  const bake = formatDuration(w.bakeMs);
  return w.parallel ? `${waveTarget(w)} ${bake}` : `${waveTarget(w)} one at a time ${bake} each`;
}

export function pipelineSummary(spec: PipelineSpec): string {
  return spec.waves.map(waveSummary).join(" → ");
}
