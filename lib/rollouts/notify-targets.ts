// Notify targets of a pipeline as secrets: redacted for showing and exporting, restored from the
// stored pipeline when a redacted file comes back, and checked against the outbound allowlist when
// a pipeline is imported. Pure.
import { isRedactedUrl, redactTarget, redactUrlsInText } from "@/lib/secrets/redact";
import { type Allowlist, outboundProblem } from "@/lib/settings/outbound";
import type { SpecError } from "@/lib/yaml-errors";
import type { PipelineSpec } from "./types";

/** A pipeline with its https notify targets shown as scheme + host + `/…`. */
export function redactPipelineSpec<S extends Pick<PipelineSpec, "waves">>(spec: S): S {
  return { ...spec, waves: spec.waves.map((w) => ({ ...w, notify: redactTarget(w.notify) })) };
}

/** A stored pipeline as anyone may see it: spec and the imported file redacted. */
export function redactStoredPipeline<P extends { spec: PipelineSpec; source: string }>(p: P): P {
  return { ...p, spec: redactPipelineSpec(p.spec), source: redactUrlsInText(p.source) };
}

/** The 1-based line of the first line of `source` that contains `needle`. */
function lineOf(source: string, needle: string): number | undefined {
  const i = source.split("\n").findIndex((l) => l.includes(needle));
  return i < 0 ? undefined : i + 1;
}

/**
 * A file exported from Cellplane carries redacted notify targets (`https://host/…`). Importing it
 * again keeps the stored target that redacts to the same text (the same wave's, else the only
 * stored one that does); a redacted target that matches nothing stored is an error.
 */
export function restoreRedactedTargets(
  next: PipelineSpec,
  prev: PipelineSpec | null,
  source: string,
): { spec: PipelineSpec; errors: SpecError[] } {
  const errors: SpecError[] = [];
  const waves = next.waves.map((w, i) => {
    if (!w.notify || !isRedactedUrl(w.notify)) return w;
    const same = prev?.waves.find((p) => p.name === w.name && p.notify && redactTarget(p.notify) === w.notify)?.notify;
    const any = [...new Set((prev?.waves ?? []).map((p) => p.notify).filter((t): t is string => !!t && redactTarget(t) === w.notify))];
    const stored = same ?? (any.length === 1 ? any[0] : undefined);
    if (stored) return { ...w, notify: stored };
    errors.push({
      line: lineOf(source, w.notify),
      field: `waves[${i}].notify`,
      message: `${w.notify} is a redacted URL and no stored target of this pipeline matches it; write the whole URL`,
    });
    return w;
  });
  return { spec: { ...next, waves }, errors };
}

/** https notify targets the outbound allowlist does not admit, as file errors (the host named, the URL not). */
export function notifyTargetErrors(spec: PipelineSpec, allow: Allowlist, source: string): SpecError[] {
  const errors: SpecError[] = [];
  spec.waves.forEach((w, i) => {
    if (!w.notify || w.notify.startsWith("slack://")) return;
    const problem = outboundProblem(w.notify, allow);
    if (problem)
      errors.push({
        line: lineOf(source, w.notify) ?? lineOf(source, redactTarget(w.notify)),
        field: `waves[${i}].notify`,
        message: `wave ${w.name}: ${problem}`,
      });
  });
  return errors;
}
