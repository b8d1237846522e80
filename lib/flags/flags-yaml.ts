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
import { nodeAt, parseLocated, SpecValidationError, type SpecError } from "@/lib/yaml-errors";
import { fieldName, flagSpecSchema, referenceProblems, zodProblems, type FlagRefs, type FlagSpec } from "./model";

export interface FlagsDocument {
  flags: FlagSpec[];
  /** Line of a path inside flag `index` (falls back to the nearest existing ancestor). */
  lineOf: (index: number, path: (string | number)[]) => number | undefined;
}

/** Parse and validate the shape of a flags file. Throws SpecValidationError listing every problem. */
export function parseFlagsYaml(text: string): FlagsDocument {
  const { doc, lineOf, syntaxErrors } = parseLocated(text);
  if (syntaxErrors.length) throw new SpecValidationError(syntaxErrors);
  const at = (index: number, path: (string | number)[]) => lineOf(nodeAt(doc, ["flags", index, ...path]));
  const errors: SpecError[] = [];
  const root = doc.toJS() as unknown;
  if (!root || typeof root !== "object" || Array.isArray(root)) {
    throw new SpecValidationError([{ line: 1, field: "(root)", message: "expected a mapping with a `flags` list" }]);
  }
  for (const k of Object.keys(root)) {
    if (k !== "flags") errors.push({ line: lineOf(nodeAt(doc, [k])), field: k, message: "unknown top-level field (expected `flags`)" });
  }
  const list = (root as Record<string, unknown>).flags;
  const flags: FlagSpec[] = [];
  if (!Array.isArray(list)) {
    errors.push({ line: lineOf(nodeAt(doc, ["flags"])) ?? 1, field: "flags", message: "required: a list of flags" });
  } else {
    const seen = new Map<string, number | undefined>();
    list.forEach((raw, i) => {
      const parsed = flagSpecSchema.safeParse(raw);
      if (!parsed.success) {
        for (const p of zodProblems(parsed.error))
          errors.push({ line: at(i, p.path), field: `flags[${i}].${fieldName(p.path)}`, message: p.message });
        return;
      }
      const key = parsed.data.key;
      if (seen.has(key)) {
        errors.push({
          line: at(i, ["key"]),
          field: `flags[${i}].key`,
          message: `duplicate flag key "${key}" (first on line ${seen.get(key)})`,
        });
        return;
      }
      seen.set(key, at(i, ["key"]));
      flags.push(parsed.data);
    });
  }
  if (errors.length) throw new SpecValidationError(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { flags, lineOf: (index, path) => at(index, path) };
}

/** Every customer id the file mentions (to look up which exist). */
export function mentionedCustomers(doc: FlagsDocument): string[] {
  return [...new Set(doc.flags.flatMap((f) => f.allowlist))];
}

/** Reference checks (unknown customers, cells, regions) with line numbers; `stored`: the flags as they are now. */
export function checkFlagsDocument(doc: FlagsDocument, refs: FlagRefs, stored: ReadonlyMap<string, FlagSpec> = new Map()): void {
  const errors: SpecError[] = doc.flags.flatMap((f, i) =>
    referenceProblems(f, refs, stored.get(f.key)).map((p) => ({
      line: doc.lineOf(i, p.path),
      field: `flags[${i}].${fieldName(p.path)}`,
      message: p.message,
    })),
  );
  if (errors.length) throw new SpecValidationError(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
}

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

/** A string as YAML: plain when unambiguous, double-quoted (JSON rules, valid YAML) otherwise. */
function str(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

const list = (xs: readonly string[]) => `[${xs.map(str).join(", ")}]`;

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
  }
  if (specs.length === 0) lines[lines.length - 1] = "flags: []";
  return `${lines.join("\n")}\n`;
}
