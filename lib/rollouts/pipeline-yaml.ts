// Pipeline files in two forms, both read into one PipelineSpec:
//   native:        `waves:` — a list of waves with selectors (`25% of smb`, `rest of smb`, …); the
//                  form Cellplane stores and exports.
//   state-machine: `states:` — the runbook's Step-Functions-style file (examples/deployment-pipeline.yaml):
//                  Deploy → Validate → (on_success) next Deploy … → succeed, with Rollback states.
// Every problem is reported with its line and field; nothing partial is ever returned.
import { isRecord, readYaml, type SpecErrors, type YamlPath } from "@/lib/yaml-errors";
import { evidenceOf, formatCheck, parseCheck } from "./checks";
import { formatDuration, parseDuration } from "./durations";
import { notifyProblem } from "./notify";
import { formatSelector, parseSelector } from "./selectors";
import type { CheckSpec, OnBreach, ParsedPipeline, PipelineSpec, Selector, WaveSpec } from "./types";

export const PIPELINE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const CELL_ID = /^[a-z0-9-]+$/;

export interface FleetCellRef {
  id: string;
  tier: string;
}

type Path = YamlPath;

const HEADER_KEYS = ["id", "name", "description"];
const WAVE_KEYS = [
  "name",
  "cells",
  "select",
  "bake",
  "checks",
  "on_breach",
  "parallel",
  "requires_approval",
  "notify",
  "maintenance_window",
];
const STATE_KEYS = {
  deploy: ["action", "cell", "cells", "parallel", "requires_approval", "notification", "maintenance_window", "next"],
  validate: ["action", "bake_time", "checks", "on_breach", "on_success", "on_failure"],
  rollback: ["action", "cells"],
  succeed: ["action"],
} as const;
type StateKind = keyof typeof STATE_KEYS;

const list = (keys: readonly string[]) => keys.join(", ");

/** The name within two edits of `word` (a typo), if exactly one is closest. */
function closest(word: string, names: string[]): string | null {
  const dist = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  const scored = names
    .map((n) => ({ n, d: dist(word, n) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d);
  return scored.length && (scored.length === 1 || scored[0]!.d < scored[1]!.d) ? scored[0]!.n : null;
}

/** "DeployToSMBWave1" → "smb-wave-1", "DeployToCanary" → "canary". */
export function waveNameFromState(state: string): string {
  const base = state.replace(/^Deploy(To)?(?=[A-Z0-9_-]|$)/, "") || state;
  const kebab = base
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/([A-Za-z])(\d)/g, "$1-$2")
    .replace(/[_\s]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
  return kebab || state.toLowerCase();
}

interface WaveDraft {
  wave: WaveSpec;
  /** Explicit cells and where they were written, for the "never overlap" rule. */
  explicit: { id: string; line: number | undefined; field: string }[];
  nameLine: number | undefined;
  nameField: string;
}

/** Parse a pipeline file in either form. Throws SpecValidationError listing every problem. */
export function parsePipelineYaml(text: string, fleet: readonly FleetCellRef[], opts: { id?: string; name?: string } = {}): ParsedPipeline {
  const c = readYaml(text, { missingFieldLine: "enclosing-key" });
  const root = c.rootMapping("expected a mapping with `waves:` (native form) or `states:` (state-machine form)");
  const form: ParsedPipeline["format"] | null = "states" in root ? "state-machine" : "waves" in root ? "native" : null;
  if ("states" in root && "waves" in root) {
    c.at(["waves"], "waves", "a pipeline has either `waves:` (native form) or `states:` (state-machine form), not both");
  }
  if (!form) c.atLine(1, "(root)", "expected `waves:` (native form) or `states:` (state-machine form)");
  for (const key of Object.keys(root)) {
    if (!["pipeline", "waves", "states"].includes(key)) {
      c.atLine(c.keyLine([], key), key, "unknown top-level field (expected `pipeline` and `waves`, or `states`)");
    }
  }

  const header = parseHeader(root.pipeline, c, opts);
  const fleetIds = new Set(fleet.map((f) => f.id));
  const drafts =
    form === "native" ? parseNativeWaves(root.waves, c, fleetIds) : form === "state-machine" ? parseStates(root.states, c, fleetIds) : [];

  if (form && drafts.length === 0 && !c.errors.some((e) => e.field.startsWith(form === "native" ? "waves" : "states"))) {
    c.at([form === "native" ? "waves" : "states"], form === "native" ? "waves" : "states", "a pipeline needs at least one wave");
  }
  checkAcrossWaves(drafts, c);

  if (c.count || !form || !header) return c.fail();
  return { format: form, spec: { ...header, waves: drafts.map((d) => d.wave) } };
}

function parseHeader(raw: unknown, c: SpecErrors, opts: { id?: string; name?: string }): Omit<PipelineSpec, "waves"> | null {
  const h: Record<string, unknown> = {};
  if (raw !== undefined) {
    if (!isRecord(raw)) c.at(["pipeline"], "pipeline", "must be a mapping: { id, name, description }");
    else {
      for (const k of Object.keys(raw)) {
        if (!HEADER_KEYS.includes(k)) c.at(["pipeline", k], `pipeline.${k}`, `unknown field (allowed: ${list(HEADER_KEYS)})`);
      }
      for (const k of HEADER_KEYS) {
        if (raw[k] !== undefined && typeof raw[k] !== "string") c.at(["pipeline", k], `pipeline.${k}`, "must be text");
        else h[k] = raw[k];
      }
    }
  }
  let ok = true;
  const id = opts.id ?? (h.id as string | undefined) ?? "imported";
  if (!PIPELINE_ID_PATTERN.test(id)) {
    ok = false;
    if (opts.id !== undefined) c.atLine(undefined, "id", `"${id}" must match ${PIPELINE_ID_PATTERN} (lower-case letters, digits, dashes)`);
    else c.at(["pipeline", "id"], "pipeline.id", `"${id}" must match ${PIPELINE_ID_PATTERN} (lower-case letters, digits, dashes)`);
  }
  const name = (opts.name ?? (h.name as string | undefined) ?? (id === "imported" ? "Imported pipeline" : id)).trim();
  if (name === "" || name.length > 200) {
    ok = false;
    c.at(["pipeline", "name"], "pipeline.name", "must be 1 to 200 characters");
  }
  return ok ? { id, name, description: ((h.description as string | undefined) ?? "").trim() } : null;
}

/** Cell ids written explicitly: each must be a cell of the fleet. */
function explicitCell(v: unknown, path: Path, field: string, c: SpecErrors, fleetIds: Set<string>): WaveDraft["explicit"][number] | null {
  if (typeof v !== "string" || !CELL_ID.test(v)) {
    c.at(path, field, "must be a cell id (lower-case letters, digits, dashes)");
    return null;
  }
  if (!fleetIds.has(v)) {
    c.at(path, field, `unknown cell "${v}" (not in the fleet)`);
    return null;
  }
  return { id: v, line: c.line(path), field };
}

function parseChecks(raw: unknown, path: Path, field: string, c: SpecErrors): CheckSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    c.at(path, field, 'must be a list, e.g. ["error_rate < 0.1%", latency, { no_pagerduty_alerts: 30m }]');
    return [];
  }
  const out: CheckSpec[] = [];
  raw.forEach((item, j) => {
    const r = parseCheck(item);
    if (typeof r === "string") c.at([...path, j], `${field}[${j}]`, r);
    else out.push(r);
  });
  return out;
}

/** `on_breach: rollback | pause`; undefined when not written (rollback). */
function parseOnBreach(raw: unknown, path: Path, field: string, c: SpecErrors): OnBreach | undefined {
  if (raw === undefined) return undefined;
  if (raw === "rollback" || raw === "pause") return raw;
  c.at(path, field, "must be rollback (roll the wave back at once) or pause (pause the release for a human)");
  return undefined;
}

function parseBake(raw: unknown, path: Path, field: string, c: SpecErrors): number | null {
  if (raw === undefined) {
    c.at(path, field, "required: how long to bake, e.g. 45m, 4h, 24h (0m for none)");
    return null;
  }
  const ms = typeof raw === "string" ? parseDuration(raw) : null;
  if (ms === null) c.at(path, field, `"${String(raw)}" is not a duration (write a number and a unit: 30s, 45m, 4h, 1d, 1h30m)`);
  return ms;
}

function parseFlag(raw: unknown, path: Path, field: string, c: SpecErrors, dflt: boolean): boolean {
  if (raw === undefined) return dflt;
  if (typeof raw !== "boolean") {
    c.at(path, field, "must be true or false");
    return dflt;
  }
  return raw;
}

function parseNotify(raw: unknown, path: Path, field: string, c: SpecErrors): string | null {
  if (raw === undefined || raw === null) return null;
  const problem = notifyProblem(raw);
  if (problem) c.at(path, field, problem);
  return problem ? null : (raw as string);
}

// ——— native form ———————————————————————————————————————————————————————————————————————————

function parseNativeWaves(raw: unknown, c: SpecErrors, fleetIds: Set<string>): WaveDraft[] {
  if (!Array.isArray(raw)) {
    c.at(["waves"], "waves", "must be a list of waves");
    return [];
  }
  const drafts: WaveDraft[] = [];
  raw.forEach((w, i) => {
    const at = (k?: string | number, ...more: (string | number)[]): Path => (k === undefined ? ["waves", i] : ["waves", i, k, ...more]);
    const f = (k: string) => `waves[${i}].${k}`;
    if (!isRecord(w)) return c.at(at(), `waves[${i}]`, "must be a mapping with name, cells or select, bake and checks");
    const before = c.count;
    for (const k of Object.keys(w)) {
      if (!WAVE_KEYS.includes(k)) c.at(at(k), f(k), `unknown field (allowed: ${list(WAVE_KEYS)})`);
    }
    const name = typeof w.name === "string" ? w.name.trim() : "";
    if (name === "") c.at(at("name"), f("name"), "required: the wave's name, e.g. canary");

    const explicit: WaveDraft["explicit"] = [];
    const others: Selector[] = [];
    const seenSel = new Set<string>();
    if (w.cells !== undefined) {
      if (!Array.isArray(w.cells) || w.cells.length === 0)
        c.at(at("cells"), f("cells"), "must be a list of cell ids, e.g. [canary-us-internal]");
      else
        w.cells.forEach((id: unknown, j: number) => {
          const e = explicitCell(id, at("cells", j), `${f("cells")}[${j}]`, c, fleetIds);
          if (e) explicit.push(e);
        });
    }
    if (w.select !== undefined) {
      const items = typeof w.select === "string" ? [w.select] : w.select;
      const many = Array.isArray(w.select);
      if (!Array.isArray(items) || items.length === 0) {
        c.at(
          at("select"),
          f("select"),
          'must be a selector or a list of selectors (tier:enterprise, "25% of smb", "rest of smb", smb-*, a cell id)',
        );
      } else {
        items.forEach((item: unknown, j: number) => {
          const path = many ? at("select", j) : at("select");
          const field = many ? `${f("select")}[${j}]` : f("select");
          if (typeof item !== "string") return c.at(path, field, "must be text, e.g. 25% of smb");
          const s = parseSelector(item);
          if (typeof s === "string") return c.at(path, field, s);
          if (s.kind === "ids") {
            const e = explicitCell(s.ids[0], path, field, c, fleetIds);
            if (e) explicit.push(e);
            return;
          }
          const key = formatSelector(s);
          if (seenSel.has(key)) return c.at(path, field, `"${key}" is selected twice in this wave`);
          seenSel.add(key);
          others.push(s);
        });
      }
    }
    if (w.cells === undefined && w.select === undefined) {
      c.at(at(), `waves[${i}]`, "a wave needs `cells` (explicit ids) or `select` (tier:…, n% of …, rest of …, a glob)");
    }
    const seenIds = new Map<string, number | undefined>();
    for (const e of explicit) {
      if (seenIds.has(e.id)) c.atLine(e.line, e.field, `cell "${e.id}" is listed twice in this wave (first on line ${seenIds.get(e.id)})`);
      else seenIds.set(e.id, e.line);
    }
    const bakeMs = parseBake(w.bake, at("bake"), f("bake"), c);
    const checks = parseChecks(w.checks, at("checks"), f("checks"), c);
    const parallel = parseFlag(w.parallel, at("parallel"), f("parallel"), c, true);
    const requiresApproval = parseFlag(w.requires_approval, at("requires_approval"), f("requires_approval"), c, false);
    const maintenanceWindow = parseFlag(w.maintenance_window, at("maintenance_window"), f("maintenance_window"), c, false);
    const notify = parseNotify(w.notify, at("notify"), f("notify"), c);
    const onBreach = parseOnBreach(w.on_breach, at("on_breach"), f("on_breach"), c);
    if (c.count > before || bakeMs === null) return;
    const ids = [...seenIds.keys()];
    drafts.push({
      wave: {
        name,
        selectors: [...(ids.length ? [{ kind: "ids" as const, ids }] : []), ...others],
        parallel,
        bakeMs,
        checks,
        requiresApproval,
        notify,
        maintenanceWindow,
        ...(onBreach ? { onBreach } : {}),
      },
      explicit,
      nameLine: c.line(at("name")),
      nameField: f("name"),
    });
  });
  return drafts;
}

// ——— state-machine form ————————————————————————————————————————————————————————————————————

interface DeployFields {
  cells: WaveDraft["explicit"] | null;
  parallel: boolean;
  requiresApproval: boolean;
  maintenanceWindow: boolean;
  notify: string | null;
}
interface ValidateFields {
  bakeMs: number | null;
  checks: CheckSpec[];
  onBreach: OnBreach | undefined;
}

interface StateInfo {
  name: string;
  kind: StateKind | null;
  raw: Record<string, unknown>;
  line: number | undefined;
  deploy?: DeployFields;
  validate?: ValidateFields;
  /** A rollback state's own `cells` (undefined: the wave's cells). */
  rollbackCells?: WaveDraft["explicit"] | null;
}

function classify(name: string, raw: Record<string, unknown>, c: SpecErrors): StateKind | null {
  const field = `states.${name}`;
  if (raw.action !== undefined) {
    if (typeof raw.action === "string" && raw.action in STATE_KEYS) return raw.action as StateKind;
    c.at(["states", name, "action"], `${field}.action`, `unknown action "${String(raw.action)}" (one of ${list(Object.keys(STATE_KEYS))})`);
    return null;
  }
  const has = (keys: readonly string[]) => keys.some((k) => k !== "action" && k in raw);
  if (has(STATE_KEYS.deploy)) return "deploy";
  if (has(STATE_KEYS.validate)) return "validate";
  c.atLine(
    c.keyLine(["states"], name),
    field,
    "cannot tell what this state does: give it `cell`/`cells` and `next` (deploy), `bake_time`/`checks` (validate), or `action: rollback | succeed`",
  );
  return null;
}

/** `cell: x` or `cells: [..]`: [] when neither is given, null when they are invalid. */
function stateCells(raw: Record<string, unknown>, name: string, c: SpecErrors, fleetIds: Set<string>): WaveDraft["explicit"] | null {
  const field = `states.${name}`;
  const out: WaveDraft["explicit"] = [];
  const before = c.count;
  if (raw.cell !== undefined && raw.cells !== undefined) {
    c.at(["states", name, "cells"], `${field}.cells`, "give either `cell` or `cells`, not both");
    return null;
  }
  if (raw.cell !== undefined) {
    const e = explicitCell(raw.cell, ["states", name, "cell"], `${field}.cell`, c, fleetIds);
    if (e) out.push(e);
  } else if (raw.cells !== undefined) {
    if (!Array.isArray(raw.cells) || raw.cells.length === 0) {
      c.at(["states", name, "cells"], `${field}.cells`, "must be a list of cell ids, e.g. [smb-us-1, smb-eu-1]");
    } else {
      raw.cells.forEach((id: unknown, j: number) => {
        const e = explicitCell(id, ["states", name, "cells", j], `${field}.cells[${j}]`, c, fleetIds);
        if (e) out.push(e);
      });
      const seen = new Map<string, number | undefined>();
      for (const e of out) {
        if (seen.has(e.id)) c.atLine(e.line, e.field, `cell "${e.id}" is listed twice (first on line ${seen.get(e.id)})`);
        else seen.set(e.id, e.line);
      }
    }
  }
  return c.count > before ? null : out;
}

/** Pass 1: one state on its own — its kind and its fields. */
function readState(name: string, value: unknown, c: SpecErrors, fleetIds: Set<string>): StateInfo {
  const line = c.keyLine(["states"], name);
  if (!isRecord(value)) {
    c.atLine(line, `states.${name}`, "must be a mapping (a deploy, validate, rollback or succeed state)");
    return { name, kind: null, raw: {}, line };
  }
  const kind = classify(name, value, c);
  const info: StateInfo = { name, kind, raw: value, line };
  if (!kind) return info;
  for (const k of Object.keys(value)) {
    if (!(STATE_KEYS[kind] as readonly string[]).includes(k)) {
      c.at(["states", name, k], `states.${name}.${k}`, `unknown field for a ${kind} state (allowed: ${list(STATE_KEYS[kind])})`);
    }
  }
  const at = (k: string): Path => ["states", name, k];
  const f = (k: string) => `states.${name}.${k}`;
  if (kind === "deploy") {
    const cells = stateCells(value, name, c, fleetIds);
    if (cells && cells.length === 0) c.atLine(line, `states.${name}`, "a deploy state needs `cell` or `cells`");
    info.deploy = {
      cells: cells?.length ? cells : null,
      parallel: parseFlag(value.parallel, at("parallel"), f("parallel"), c, true),
      requiresApproval: parseFlag(value.requires_approval, at("requires_approval"), f("requires_approval"), c, false),
      maintenanceWindow: parseFlag(value.maintenance_window, at("maintenance_window"), f("maintenance_window"), c, false),
      notify: parseNotify(value.notification, at("notification"), f("notification"), c),
    };
    if (value.next === undefined) c.atLine(line, `states.${name}`, "a deploy state needs `next` naming the validate state that follows it");
  } else if (kind === "validate") {
    info.validate = {
      bakeMs: parseBake(value.bake_time, at("bake_time"), f("bake_time"), c),
      checks: parseChecks(value.checks, at("checks"), f("checks"), c),
      onBreach: parseOnBreach(value.on_breach, at("on_breach"), f("on_breach"), c),
    };
    if (value.on_success === undefined)
      c.atLine(
        line,
        `states.${name}`,
        "a validate state needs `on_success` naming the next deploy state or a final state (action: succeed)",
      );
  } else if (kind === "rollback") {
    info.rollbackCells = value.cells === undefined ? undefined : stateCells(value, name, c, fleetIds);
  }
  return info;
}

function parseStates(raw: unknown, c: SpecErrors, fleetIds: Set<string>): WaveDraft[] {
  if (!isRecord(raw) || Object.keys(raw).length === 0) {
    c.at(["states"], "states", "must be a mapping of state names to states");
    return [];
  }
  const states = new Map<string, StateInfo>();
  for (const [name, value] of Object.entries(raw)) states.set(name, readState(name, value, c, fleetIds));
  checkTransitionTargets(states, c);
  const first = [...states.values()][0]!;
  const walk = new StateWalk(states, c);
  walk.from(first);
  if (walk.complete) {
    for (const s of states.values()) {
      if (!walk.visited.has(s.name))
        c.atLine(s.line, `states.${s.name}`, `unreachable: no next, on_success or on_failure leads here from ${first.name}`);
    }
  }
  return walk.drafts;
}

/** Every `next`, `on_success` and `on_failure` names a state of the file (a typo gets a suggestion). */
function checkTransitionTargets(states: Map<string, StateInfo>, c: SpecErrors): void {
  for (const s of states.values()) {
    for (const k of ["next", "on_success", "on_failure"] as const) {
      const t = s.raw[k];
      if (t === undefined) continue;
      if (typeof t !== "string") c.at(["states", s.name, k], `states.${s.name}.${k}`, "must name a state");
      else if (!states.has(t)) {
        const near = closest(t, [...states.keys()]);
        c.at(
          ["states", s.name, k],
          `states.${s.name}.${k}`,
          `unknown state "${t}" (${near ? `did you mean "${near}"?` : `states: ${list([...states.keys()])}`})`,
        );
      }
    }
  }
}

/**
 * Pass 2: the walk from the first state — Deploy → Validate → (on_success) Deploy … → succeed —
 * collecting one wave per deploy/validate pair. Missing or unknown targets were reported in pass 1;
 * the walk stops at them.
 */
class StateWalk {
  readonly drafts: WaveDraft[] = [];
  readonly visited = new Set<string>();
  /** True when the walk reached a final state (action: succeed). */
  complete = false;
  private readonly trail: string[] = [];
  private readonly waveNames = new Map<string, number | undefined>();

  constructor(
    private readonly states: Map<string, StateInfo>,
    private readonly c: SpecErrors,
  ) {}

  from(first: StateInfo): void {
    if (first.kind !== "deploy") {
      if (first.kind)
        this.c.atLine(
          first.line,
          `states.${first.name}`,
          `the first state is where the pipeline starts and must be a deploy state (this is a ${first.kind} state)`,
        );
      return;
    }
    let deploy: StateInfo | null = first;
    while (deploy) {
      this.enter(deploy);
      const validate = this.validateAfter(deploy);
      if (!validate) return;
      this.enter(validate);
      this.addWave(deploy, validate);
      this.checkRollback(validate, deploy.deploy!);
      deploy = this.deployAfter(validate);
    }
  }

  private enter(s: StateInfo): void {
    this.visited.add(s.name);
    this.trail.push(s.name);
  }

  private target(s: StateInfo, k: "next" | "on_success" | "on_failure"): StateInfo | null {
    const t = s.raw[k];
    return typeof t === "string" ? (this.states.get(t) ?? null) : null;
  }

  private cycle(to: StateInfo): string {
    return `cycle: ${[...this.trail, to.name].join(" → ")} (each wave runs once)`;
  }

  /** A deploy's `next`: a validate state not visited yet, or null (reported) to stop. */
  private validateAfter(deploy: StateInfo): StateInfo | null {
    const path = ["states", deploy.name, "next"];
    const field = `states.${deploy.name}.next`;
    const validate = this.target(deploy, "next");
    if (!validate) return null;
    if (validate.kind !== "validate") {
      if (validate.kind)
        this.c.at(path, field, `a deploy state must be followed by a validate state; "${validate.name}" is a ${validate.kind} state`);
      return null;
    }
    if (this.visited.has(validate.name)) {
      this.c.at(path, field, this.cycle(validate));
      return null;
    }
    return validate;
  }

  /** The wave a deploy state and its validate state make, named after the deploy state. */
  private addWave(deploy: StateInfo, validate: StateInfo): void {
    const name = waveNameFromState(deploy.name);
    if (this.waveNames.has(name))
      this.c.atLine(
        deploy.line,
        `states.${deploy.name}`,
        `its wave would be named "${name}", like the wave on line ${this.waveNames.get(name)}: rename one of the deploy states`,
      );
    this.waveNames.set(name, deploy.line);
    const d = deploy.deploy!;
    const v = validate.validate!;
    if (!d.cells || v.bakeMs === null) return;
    this.drafts.push({
      wave: {
        name,
        selectors: [{ kind: "ids", ids: d.cells.map((e) => e.id) }],
        parallel: d.parallel,
        bakeMs: v.bakeMs,
        checks: v.checks,
        requiresApproval: d.requiresApproval,
        notify: d.notify,
        maintenanceWindow: d.maintenanceWindow,
        ...(v.onBreach ? { onBreach: v.onBreach } : {}),
      },
      explicit: d.cells,
      nameLine: deploy.line,
      nameField: `states.${deploy.name}`,
    });
  }

  /** A validate's `on_failure`: a rollback state undoing exactly its wave's cells. */
  private checkRollback(validate: StateInfo, d: DeployFields): void {
    const rb = this.target(validate, "on_failure");
    if (!rb) return;
    if (rb.kind !== "rollback") {
      if (rb.kind)
        this.c.at(
          ["states", validate.name, "on_failure"],
          `states.${validate.name}.on_failure`,
          `must name a rollback state (action: rollback); "${rb.name}" is a ${rb.kind} state`,
        );
      return;
    }
    this.visited.add(rb.name);
    if (!d.cells || !rb.rollbackCells) return;
    const want = [...d.cells.map((e) => e.id)].sort();
    const got = [...rb.rollbackCells.map((e) => e.id)].sort();
    if (got.join(",") !== want.join(",")) {
      this.c.at(
        ["states", rb.name, "cells"],
        `states.${rb.name}.cells`,
        `a rollback undoes exactly its wave's cells (${want.join(", ")}), not ${got.join(", ")}: list the same cells, or omit \`cells\``,
      );
    }
  }

  /** A validate's `on_success`: the next deploy state (not visited yet), or null when the walk ends. */
  private deployAfter(validate: StateInfo): StateInfo | null {
    const path = ["states", validate.name, "on_success"];
    const field = `states.${validate.name}.on_success`;
    const after = this.target(validate, "on_success");
    if (!after) return null;
    if (after.kind === "succeed") {
      this.visited.add(after.name);
      this.complete = true;
      return null;
    }
    if (after.kind !== "deploy") {
      if (after.kind)
        this.c.at(
          path,
          field,
          `must name the next deploy state or a final state (action: succeed); "${after.name}" is a ${after.kind} state`,
        );
      return null;
    }
    if (this.visited.has(after.name)) {
      this.c.at(path, field, this.cycle(after));
      return null;
    }
    return after;
  }
}

// ——— both forms ————————————————————————————————————————————————————————————————————————————

function checkAcrossWaves(drafts: WaveDraft[], c: SpecErrors) {
  const names = new Map<string, number | undefined>();
  const owner = new Map<string, { wave: string; line: number | undefined }>();
  for (const d of drafts) {
    if (names.has(d.wave.name))
      c.atLine(d.nameLine, d.nameField, `duplicate wave name "${d.wave.name}" (first on line ${names.get(d.wave.name)})`);
    else names.set(d.wave.name, d.nameLine);
    for (const e of d.explicit) {
      const prev = owner.get(e.id);
      if (prev && prev.wave !== d.wave.name) {
        c.atLine(e.line, e.field, `cell "${e.id}" is already in wave "${prev.wave}" (line ${prev.line}): waves never overlap`);
      } else if (!prev) owner.set(e.id, { wave: d.wave.name, line: e.line });
    }
  }
}

// ——— export (native form) ——————————————————————————————————————————————————————————————————

const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

/** A YAML scalar: plain when unambiguous, otherwise double-quoted (JSON strings are valid YAML). */
function scalar(s: string): string {
  const plain =
    /^[A-Za-z0-9][A-Za-z0-9 _./-]*$/.test(s) &&
    !/ $/.test(s) &&
    !RESERVED.test(s) &&
    !/^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$/.test(s) &&
    !/^0[xo]/i.test(s);
  return plain ? s : JSON.stringify(s);
}

/** A check as it goes back into a file: as written when that reads back the same, else canonical. */
function checkYaml(chk: CheckSpec): string {
  const evidence = evidenceOf(chk);
  if (evidence) {
    const parts = [`check: ${JSON.stringify(formatCheck(chk))}`];
    if (evidence.minSamples !== undefined) parts.push(`min_samples: ${evidence.minSamples}`);
    if (evidence.minRequests !== undefined) parts.push(`min_requests: ${evidence.minRequests}`);
    return `{ ${parts.join(", ")} }`;
  }
  if (chk.kind === "no_alerts") {
    const [key, value] = chk.source.split(/:\s*/, 2);
    const back = key && value !== undefined ? parseCheck({ [key]: value }) : null;
    const same =
      back && typeof back !== "string" && back.kind === "no_alerts" && back.alertType === chk.alertType && back.forMs === chk.forMs;
    return same ? `{ ${key}: ${scalar(value!)} }` : `{ no_${chk.alertType}_alerts: ${formatDuration(chk.forMs).replace(/ /g, "")} }`;
  }
  const back = parseCheck(chk.source);
  const same = typeof back !== "string" && JSON.stringify(back) === JSON.stringify(chk);
  return scalar(same ? chk.source : formatCheck(chk));
}

/** The pipeline in the native form; `parsePipelineYaml(exportPipelineYaml(spec))` gives back `spec`. */
export function exportPipelineYaml(spec: PipelineSpec): string {
  const out = [
    "# Cellplane pipeline (native form). Import: npx cellplane import pipeline FILE",
    "pipeline:",
    `  id: ${scalar(spec.id)}`,
    `  name: ${scalar(spec.name)}`,
    ...(spec.description ? [`  description: ${JSON.stringify(spec.description)}`] : []),
    "waves:",
  ];
  for (const w of spec.waves) {
    out.push(`  - name: ${scalar(w.name)}`);
    const ids = w.selectors.flatMap((s) => (s.kind === "ids" ? s.ids : []));
    const others = w.selectors.filter((s) => s.kind !== "ids").map((s) => scalar(formatSelector(s)));
    if (ids.length) out.push(`    cells: [${ids.map(scalar).join(", ")}]`);
    if (others.length === 1) out.push(`    select: ${others[0]}`);
    else if (others.length > 1) out.push(`    select: [${others.join(", ")}]`);
    if (!w.parallel) out.push("    parallel: false                # one cell at a time; the bake is per cell");
    out.push(`    bake: ${formatDuration(w.bakeMs).replace(/ /g, "")}`);
    if (w.requiresApproval) out.push("    requires_approval: true");
    if (w.notify) out.push(`    notify: ${JSON.stringify(w.notify)}`);
    if (w.maintenanceWindow) out.push("    maintenance_window: true");
    if (w.onBreach) out.push(`    on_breach: ${w.onBreach}`);
    out.push(`    checks: [${w.checks.map(checkYaml).join(", ")}]`);
  }
  return `${out.join("\n")}\n`;
}
