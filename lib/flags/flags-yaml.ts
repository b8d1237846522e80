// Flags as code: a YAML file of flags, imported (upsert by key, one transaction) and exported in the
// same shape. Problems are reported with the file's line numbers; nothing partial is returned.
//
//   flags:
//     - key: newVoiceCodec
//       description: Opus-based voice codec
//       owner: voice-team
//       enabled: true
//       rolloutPercentage: 0
//       allowlist: [enterprise-customer-123]
//       salt: newVoiceCodec
//       targeting: { tiers: [enterprise], cells: [], regions: [] }
//       schedule:
//         - { at: 2026-11-27T09:00:00Z, percentage: 5 }
//       requires: { voice: ">=3.2.0" }           # code prerequisites (semver ranges)
//       guard:                                   # the ramp's guard
//         checks: ["error_rate < 2x baseline", "error_rate < 1%"]
//         onBreach: hold                         # or revert
//         watchHandRaised: false
//         notify: slack://voice-team             # default: slack://<owner>
//         watchFor: 1h
//       protected: true                          # changes wait for a second product owner (change requests)
import { readYaml, SpecErrors, type YamlPath } from "@/lib/yaml-errors";
import { checkItem } from "@/lib/rollouts/checks";
import { formatDuration } from "@/lib/rollouts/durations";
import { fieldName, flagSpecSchema, referenceProblems, zodProblems, type FlagGuard, type FlagRefs, type FlagSpec } from "./model";

export interface FlagsDocument {
  flags: FlagSpec[];
  /** Line of a path inside flag `index` (falls back to the nearest existing ancestor). */
  lineOf: (index: number, path: (string | number)[]) => number | undefined;
}

/** Parse and validate the shape of a flags file. Throws SpecValidationError listing every problem. */
export function parseFlagsYaml(text: string): FlagsDocument {
  const c = readYaml(text);
  const at = (index: number, path: YamlPath) => c.line(["flags", index, ...path]);
  const root = c.rootMapping("expected a mapping with a `flags` list");
  for (const k of Object.keys(root)) {
    if (k !== "flags") c.at([k], k, "unknown top-level field (expected `flags`)");
  }
  const list = root.flags;
  const flags: FlagSpec[] = [];
  if (!Array.isArray(list)) {
    c.atLine(c.line(["flags"]) ?? 1, "flags", "required: a list of flags");
  } else {
    const seen = new Map<string, number | undefined>();
    list.forEach((raw, i) => {
      const parsed = flagSpecSchema.safeParse(raw);
      if (!parsed.success) {
        for (const p of zodProblems(parsed.error)) c.atLine(at(i, p.path), `flags[${i}].${fieldName(p.path)}`, p.message);
        return;
      }
      const key = parsed.data.key;
      if (seen.has(key)) {
        c.at(["flags", i, "key"], `flags[${i}].key`, `duplicate flag key "${key}" (first on line ${seen.get(key)})`);
        return;
      }
      seen.set(key, at(i, ["key"]));
      flags.push(parsed.data);
    });
  }
  c.throwIfAny();
  return { flags, lineOf: (index, path) => at(index, path) };
}

/** Every customer id the file mentions (to look up which exist). */
export function mentionedCustomers(doc: FlagsDocument): string[] {
  return [...new Set(doc.flags.flatMap((f) => f.allowlist))];
}

/** Reference checks (unknown customers, cells, regions) with line numbers; `stored`: the flags as they are now. */
export function checkFlagsDocument(doc: FlagsDocument, refs: FlagRefs, stored: ReadonlyMap<string, FlagSpec> = new Map()): void {
  const c = new SpecErrors();
  doc.flags.forEach((f, i) => {
    for (const p of referenceProblems(f, refs, stored.get(f.key)))
      c.atLine(doc.lineOf(i, p.path), `flags[${i}].${fieldName(p.path)}`, p.message);
  });
  c.throwIfAny();
}

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

/** A string as YAML: plain when unambiguous, double-quoted (JSON rules, valid YAML) otherwise. */
function str(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

const list = (xs: readonly string[]) => `[${xs.map(str).join(", ")}]`;

/** A check as a flow item: its text, or { check, min_samples, min_requests }. */
function checkFlow(item: ReturnType<typeof checkItem>): string {
  if (typeof item === "string") return JSON.stringify(item);
  return `{ ${Object.entries(item)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(", ")} }`;
}

function guardLines(g: FlagGuard): string[] {
  return [
    "    guard:",
    `      checks: [${g.checks.map((c) => checkFlow(checkItem(c))).join(", ")}]`,
    `      onBreach: ${g.onBreach}`,
    `      watchHandRaised: ${g.watchHandRaised}`,
    ...(g.notify ? [`      notify: ${JSON.stringify(g.notify)}`] : []),
    `      watchFor: ${formatDuration(g.watchForMs).replace(/ /g, "")}`,
  ];
}

/** The flags file for a set of flags, in key order. */
export function exportFlagsYaml(specs: readonly FlagSpec[]): string {
  const lines = [
    "# Cellplane feature flags (flags as code). Import with `npx cellplane import flags FILE`:",
    "# flags are upserted by key in one transaction; flags missing from the file are left alone.",
    "flags:",
  ];
  for (const f of [...specs].sort((a, b) => a.key.localeCompare(b.key))) {
    lines.push(
      `  - key: ${str(f.key)}`,
      `    description: ${JSON.stringify(f.description)}`,
      `    owner: ${JSON.stringify(f.owner)}`,
      `    enabled: ${f.enabled}`,
      `    rolloutPercentage: ${f.rolloutPercentage}`,
      `    allowlist: ${list(f.allowlist)}`,
      `    salt: ${str(f.salt ?? f.key)}`,
      `    targeting: { tiers: ${list(f.targeting.tiers)}, cells: ${list(f.targeting.cells)}, regions: ${list(f.targeting.regions)} }`,
    );
    if (f.schedule.length === 0) lines.push("    schedule: []");
    else {
      lines.push("    schedule:");
      for (const s of f.schedule) lines.push(`      - { at: ${s.at.toISOString()}, percentage: ${s.percentage} }`);
    }
    const requires = Object.entries(f.requires ?? {});
    if (requires.length) lines.push(`    requires: { ${requires.map(([svc, range]) => `${svc}: ${JSON.stringify(range)}`).join(", ")} }`);
    if (f.guard) lines.push(...guardLines(f.guard));
    if (f.protected) lines.push("    protected: true");
  }
  if (specs.length === 0) lines[lines.length - 1] = "flags: []";
  return `${lines.join("\n")}\n`;
}
