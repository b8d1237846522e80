// Migration manifests in the seed's shape (examples/migration-manifest.yaml), read into a
// MigrationSpec and resolved against the fleet. Every problem is reported with its line and field;
// nothing partial is ever returned. Pure: the caller passes the fleet, the pipeline ids and the
// script texts it could read.
import { isRecord, parseLocated, readYaml, type SpecErrors, type YamlPath } from "@/lib/yaml-errors";
import { parseDuration } from "@/lib/rollouts/durations";
import { globToRegExp } from "@/lib/rollouts/selectors";

export const PHASE_TYPES = ["schema", "deployment", "data"] as const;
export type PhaseType = (typeof PHASE_TYPES)[number];

export interface FleetCell {
  id: string;
  tier: "canary" | "smb" | "enterprise";
}

export interface SchemaStep {
  /** The patterns as written (ids or globs like smb-*). */
  patterns: string[];
  /** The cells this step applies to: what its patterns match, minus cells of earlier steps. */
  cells: string[];
  waitMs: number;
  requiresApproval: boolean;
}

export type PhaseSpec =
  | { type: "schema"; name: string; script: string; rollbackScript: string | null; steps: SchemaStep[]; irreversible: boolean }
  | { type: "deployment"; name: string; version: string; pipeline: string; service: string }
  | {
      type: "data";
      name: string;
      script: string;
      parallelCells: number;
      checkpointInterval: number;
      /** Rows per second a cell's backfill may write, at most (batches are spaced to keep it); null: no limit. */
      maxRowsPerSecond?: number | null;
    };

export interface MigrationSpec {
  id: string;
  description: string;
  phases: PhaseSpec[];
  /** Every cell the migration touches, in rollout order (canary, smb, enterprise; then by id). */
  cells: string[];
  tiers: Record<string, FleetCell["tier"]>;
}

export interface ManifestContext {
  fleet: readonly FleetCell[];
  pipelines: readonly string[];
  services: readonly string[];
  /** Script path → its text, or null when the file does not exist. Paths not present are not checked. */
  scripts?: Readonly<Record<string, string | null>>;
}

export const MIGRATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const VERSION = /^[A-Za-z0-9._+-]{1,64}$/;
const PATTERN = /^[a-z0-9*-]+$/;
const PHASE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const DEFAULT_SERVICE = "sms";
const TIER_ORDER = { canary: 0, smb: 1, enterprise: 2 } as const;

const byId = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** The fleet in rollout order: canary, then smb, then enterprise, each by id. */
export function rolloutOrder(fleet: readonly FleetCell[]): string[] {
  return [...fleet].sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || byId(a.id, b.id)).map((c) => c.id);
}

/** Cells a pattern (an id or a glob) matches, in rollout order. */
export function expandPattern(pattern: string, fleet: readonly FleetCell[]): string[] {
  const re = globToRegExp(pattern);
  return rolloutOrder(fleet).filter((id) => re.test(id));
}

/** Every file path the manifest's phases name (for the caller to read before parsing). */
export function scriptPaths(text: string): string[] {
  const { doc } = parseLocated(text);
  const phases = doc.getIn(["migration", "phases"]);
  const raw = (phases && typeof phases === "object" && "toJSON" in phases ? (phases as { toJSON(): unknown }).toJSON() : []) as unknown[];
  const out = new Set<string>();
  for (const p of Array.isArray(raw) ? raw : []) {
    if (!isRecord(p)) continue;
    for (const k of ["script", "rollback_script"]) if (typeof p[k] === "string") out.add(p[k] as string);
  }
  return [...out];
}

/** A schema script's inverse, when it is a single ADD COLUMN: DROP COLUMN IF EXISTS. */
export function deriveInverse(sql: string): string | null {
  const body = sql
    .replace(/--[^\n]*/g, "")
    .trim()
    .replace(/;\s*$/, "");
  const m = /^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?([A-Za-z_][\w.]*)\s+ADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_]\w*)\b[^;]*$/i.exec(
    body,
  );
  return m ? `ALTER TABLE ${m[1]} DROP COLUMN IF EXISTS ${m[2]}` : null;
}

/** Whether a script destroys data (DROP COLUMN / DROP TABLE / TRUNCATE): the point of no return. */
export const isDestructive = (sql: string) => /\b(DROP\s+(COLUMN|TABLE)|TRUNCATE)\b/i.test(sql.replace(/--[^\n]*/g, ""));

type Path = YamlPath;

const PHASE_FIELDS: Record<PhaseType, string[]> = {
  schema: ["name", "type", "script", "rollback_script", "rollout", "irreversible"],
  deployment: ["name", "type", "version", "rollout", "service"],
  data: ["name", "type", "script", "parallel_cells", "checkpoint_interval", "max_rows_per_second"],
};

/** Parse and validate a manifest; throws SpecValidationError listing every problem. */
export function parseManifestYaml(text: string, ctx: ManifestContext): MigrationSpec {
  const c = readYaml(text);
  const expected = "the file must have a top-level `migration:` mapping";
  const m = c.rootMapping(expected, "migration").migration;
  if (!isRecord(m)) {
    c.atLine(1, "migration", expected);
    return c.fail();
  }
  const base: Path = ["migration"];
  for (const k of Object.keys(m))
    if (!["id", "description", "phases"].includes(k))
      c.atLine(c.keyLine(base, k), `migration.${k}`, "unknown field (expected id, description, phases)");
  const id = typeof m.id === "string" ? m.id : "";
  if (!MIGRATION_ID.test(id)) c.at([...base, "id"], "migration.id", "required: letters, digits, . _ - (at most 100)");
  const description = typeof m.description === "string" ? m.description : "";
  if (m.description !== undefined && typeof m.description !== "string")
    c.at([...base, "description"], "migration.description", "must be text");
  const order = rolloutOrder(ctx.fleet);
  const phases = parsePhases(m.phases, ctx, order, c);
  c.throwIfAny();
  return { id, description, phases, cells: order, tiers: Object.fromEntries(ctx.fleet.map((f) => [f.id, f.tier])) };
}

/** `migration.phases`: each phase read on its own, then expand before contract. */
function parsePhases(raw: unknown, ctx: ManifestContext, order: string[], c: SpecErrors): PhaseSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    c.at(["migration", "phases"], "migration.phases", "required: a list of phases (schema, deployment, data)");
    return [];
  }
  const phases: PhaseSpec[] = [];
  const names = new Map<string, number>();
  raw.forEach((p: unknown, i: number) => {
    const phase = parsePhase(p, i, names, ctx, order, c);
    if (phase) phases.push(phase);
  });
  const expand = names.get("expand");
  const contract = names.get("contract");
  if (contract !== undefined && (expand === undefined || contract < expand)) {
    c.at(
      ["migration", "phases", contract, "name"],
      `phases[${contract}].name`,
      expand === undefined
        ? "a contract phase needs an expand phase before it"
        : `contract (phases[${contract}]) comes before expand (phases[${expand}]); expand first, contract last`,
    );
  }
  return phases;
}

/** One phase being read: its fields, where they are, and what the manifest is checked against. */
interface PhaseEntry {
  raw: Record<string, unknown>;
  path: Path;
  /** `phases[i]`, the prefix of its fields' names. */
  f: string;
  name: string;
  index: number;
  ctx: ManifestContext;
  c: SpecErrors;
}

/** `names`: phase names so far → their index. Null when the phase is not usable. */
function parsePhase(
  raw: unknown,
  i: number,
  names: Map<string, number>,
  ctx: ManifestContext,
  order: string[],
  c: SpecErrors,
): PhaseSpec | null {
  const path: Path = ["migration", "phases", i];
  const f = `phases[${i}]`;
  if (!isRecord(raw)) {
    c.at(path, f, "must be a mapping with name and type");
    return null;
  }
  const name = typeof raw.name === "string" ? raw.name : "";
  if (!PHASE_NAME.test(name)) c.at([...path, "name"], `${f}.name`, "required: lower-case letters, digits and dashes");
  else if (names.has(name)) c.at([...path, "name"], `${f}.name`, `duplicate phase name (also phases[${names.get(name)}])`);
  else names.set(name, i);
  const type = raw.type;
  if (!(PHASE_TYPES as readonly unknown[]).includes(type)) {
    c.atLine(c.keyLine(path, "type"), `${f}.type`, `unknown phase type ${JSON.stringify(type ?? null)} (one of ${PHASE_TYPES.join(", ")})`);
    return null;
  }
  const allowed = PHASE_FIELDS[type as PhaseType];
  for (const k of Object.keys(raw))
    if (!allowed.includes(k))
      c.atLine(c.keyLine(path, k), `${f}.${k}`, `unknown field for a ${type} phase (expected ${allowed.join(", ")})`);
  const phase: PhaseEntry = { raw, path, f, name, index: i, ctx, c };
  if (type === "schema") return schemaPhase(phase, order);
  if (type === "deployment") return deploymentPhase(phase);
  return dataPhase(phase);
}

/** A script path field; checked against the scripts the caller could read. */
function scriptField({ raw, path, f, ctx, c }: PhaseEntry, key: string, required: boolean): string | null {
  const v = raw[key];
  if (v === undefined && !required) return null;
  if (typeof v !== "string" || v.trim() === "") {
    c.at([...path, key], `${f}.${key}`, "required: a script path such as migrations/001_add_column.sql");
    return null;
  }
  if (ctx.scripts && v in ctx.scripts && ctx.scripts[v] === null) c.at([...path, key], `${f}.${key}`, `no such script: ${v}`);
  return v;
}

/** A schema phase: its script, its rollout steps covering every cell, and whether it can be undone. */
function schemaPhase(phase: PhaseEntry, order: string[]): PhaseSpec | null {
  const { raw, path, f, name, index, ctx, c } = phase;
  const s = scriptField(phase, "script", true);
  const rb = scriptField(phase, "rollback_script", false);
  const fleetIds = new Set(ctx.fleet.map((cell) => cell.id));
  const steps = parseSteps(raw.rollout, [...path, "rollout"], `${f}.rollout`, c, ctx.fleet, fleetIds);
  if (steps) {
    const covered = new Set(steps.flatMap((st) => st.cells));
    const missing = order.filter((cell) => !covered.has(cell));
    if (missing.length)
      c.atLine(
        c.keyLine(path, "rollout"),
        `${f}.rollout`,
        `cell${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing from every step of phase ${name || index}`,
      );
  }
  const text = s && ctx.scripts?.[s];
  const irreversible = raw.irreversible === true || name === "contract" || (typeof text === "string" && isDestructive(text));
  if (raw.irreversible !== undefined && typeof raw.irreversible !== "boolean")
    c.at([...path, "irreversible"], `${f}.irreversible`, "must be true or false");
  return s && steps ? { type: "schema", name, script: s, rollbackScript: rb, steps, irreversible } : null;
}

/** A deployment phase: a version rolled out by a known pipeline, for a known service. */
function deploymentPhase({ raw, path, f, name, ctx, c }: PhaseEntry): PhaseSpec {
  const version = typeof raw.version === "string" ? raw.version : "";
  if (!VERSION.test(version)) c.at([...path, "version"], `${f}.version`, "required: a version like v2.5.0");
  const pipeline = typeof raw.rollout === "string" ? raw.rollout : "";
  if (!pipeline) c.at([...path, "rollout"], `${f}.rollout`, "required: the id of a pipeline, e.g. standard");
  else if (!ctx.pipelines.includes(pipeline))
    c.at([...path, "rollout"], `${f}.rollout`, `unknown pipeline "${pipeline}" (known: ${ctx.pipelines.join(", ") || "none"})`);
  const service = raw.service === undefined ? DEFAULT_SERVICE : typeof raw.service === "string" ? raw.service : "";
  if (!ctx.services.includes(service))
    c.at([...path, "service"], `${f}.service`, `unknown service "${service}" (one of ${ctx.services.join(", ")})`);
  return { type: "deployment", name, version, pipeline, service };
}

/** A data phase (a backfill): its script, how many cells at once, rows between checkpoints. */
function dataPhase(phase: PhaseEntry): PhaseSpec | null {
  const { raw, path, f, name, c } = phase;
  const s = scriptField(phase, "script", true);
  const int = (key: string, dflt: number, min: number, max: number) => {
    const v = raw[key] ?? dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      c.at([...path, key], `${f}.${key}`, `must be a whole number from ${min} to ${max}`);
      return dflt;
    }
    return v;
  };
  const parallelCells = int("parallel_cells", 1, 1, 1000);
  const checkpointInterval = int("checkpoint_interval", 10_000, 1, 10_000_000);
  const maxRowsPerSecond = raw.max_rows_per_second === undefined ? null : int("max_rows_per_second", 0, 1, 100_000_000);
  return s ? { type: "data", name, script: s, parallelCells, checkpointInterval, maxRowsPerSecond: maxRowsPerSecond || null } : null;
}

function parseSteps(
  raw: unknown,
  path: Path,
  field: string,
  c: SpecErrors,
  fleet: readonly FleetCell[],
  fleetIds: Set<string>,
): SchemaStep[] | null {
  if (!Array.isArray(raw) || raw.length === 0) {
    c.at(path, field, "required: a list of steps like { cells: [canary-us-internal], wait: 1h }");
    return null;
  }
  const taken = new Set<string>();
  const steps: SchemaStep[] = [];
  let ok = true;
  raw.forEach((s: unknown, j: number) => {
    const p: Path = [...path, j];
    const f = `${field}[${j}]`;
    if (!isRecord(s)) {
      ok = false;
      return c.at(p, f, "must be a mapping with cells and wait");
    }
    for (const k of Object.keys(s))
      if (!["cells", "wait", "requires_approval"].includes(k))
        c.atLine(c.keyLine(p, k), `${f}.${k}`, "unknown field (expected cells, wait, requires_approval)");
    const patterns = Array.isArray(s.cells) ? s.cells : typeof s.cells === "string" ? [s.cells] : null;
    if (!patterns || patterns.length === 0) {
      ok = false;
      return c.at([...p, "cells"], `${f}.cells`, "required: cell ids or globs like smb-*");
    }
    const cells: string[] = [];
    patterns.forEach((pat: unknown, k: number) => {
      if (typeof pat !== "string" || !PATTERN.test(pat)) {
        ok = false;
        return c.at(
          [...p, "cells", k],
          `${f}.cells[${k}]`,
          `${JSON.stringify(pat)} is not a cell id or glob (lower-case letters, digits, dashes and *)`,
        );
      }
      const matched = pat.includes("*") ? expandPattern(pat, fleet) : fleetIds.has(pat) ? [pat] : [];
      if (matched.length === 0) {
        ok = false;
        return c.at(
          [...p, "cells", k],
          `${f}.cells[${k}]`,
          pat.includes("*") ? `glob ${pat} matches no cell in the fleet` : `unknown cell ${pat}`,
        );
      }
      for (const cell of matched) if (!taken.has(cell) && !cells.includes(cell)) cells.push(cell);
    });
    for (const cell of cells) taken.add(cell);
    let waitMs = 0;
    if (s.wait !== undefined) {
      const d = typeof s.wait === "string" ? parseDuration(s.wait) : null;
      if (d === null) {
        ok = false;
        c.at([...p, "wait"], `${f}.wait`, "must be a duration like 1h, 45m or 1d 2h");
      } else waitMs = d;
    }
    if (s.requires_approval !== undefined && typeof s.requires_approval !== "boolean")
      c.at([...p, "requires_approval"], `${f}.requires_approval`, "must be true or false");
    steps.push({ patterns: patterns as string[], cells, waitMs, requiresApproval: s.requires_approval === true });
  });
  return ok ? steps : null;
}
