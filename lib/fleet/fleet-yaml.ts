// The fleet file (GitOps): one cell template and many cell instances with their own variables.
// Parse with line-numbered errors, export in the same shape, and diff against the registry.
import { isRecord, readYaml, type SpecErrors } from "@/lib/yaml-errors";

export const TIERS = ["canary", "smb", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];
export const CELL_ID_PATTERN = /^[a-z0-9-]+$/;

export interface CellSpec {
  id: string;
  tier: Tier;
  region: string;
  compliance: string[];
}

export interface FleetSpec {
  services: string[];
  cells: CellSpec[];
}

const CELL_KEYS = new Set(["id", "tier", "region", "compliance"]);

/**
 * Parse a fleet YAML file. `knownServices` is the service catalogue. Throws SpecValidationError
 * listing every problem found (line, field, reason); returns nothing partial.
 */
export function parseFleetYaml(text: string, knownServices: readonly string[]): FleetSpec {
  const c = readYaml(text);
  const r = c.rootMapping("expected a mapping with `template` and `cells`");
  for (const key of Object.keys(r)) {
    if (key !== "template" && key !== "cells") c.at([key], key, "unknown top-level field (expected `template` and `cells`)");
  }
  const services = parseTemplate(r.template, knownServices, c);
  const cells: CellSpec[] = [];
  if (!Array.isArray(r.cells)) {
    c.at(["cells"], "cells", "required: a list of cells");
  } else {
    const seen = new Map<string, number>();
    r.cells.forEach((raw: unknown, i: number) => {
      const cell = parseCell(raw, i, seen, c);
      if (cell) cells.push(cell);
    });
  }
  c.throwIfAny();
  return { services, cells };
}

/** `template.services`: the services every cell runs, each known and listed once. */
function parseTemplate(raw: unknown, knownServices: readonly string[], c: SpecErrors): string[] {
  const services: string[] = [];
  const template = raw as Record<string, unknown> | undefined;
  if (!template || typeof template !== "object" || !Array.isArray(template.services)) {
    c.at(["template"], "template.services", "required: the list of services every cell runs");
    return services;
  }
  template.services.forEach((s: unknown, i: number) => {
    const path = ["template", "services", i];
    if (typeof s !== "string") return c.at(path, `template.services[${i}]`, "must be a service name");
    if (!knownServices.includes(s)) {
      return c.at(path, `template.services[${i}]`, `unknown service "${s}" (known: ${knownServices.join(", ")})`);
    }
    if (services.includes(s)) return c.at(path, `template.services[${i}]`, `duplicate service "${s}"`);
    services.push(s);
  });
  if (template.services.length === 0) c.at(["template", "services"], "template.services", "must list at least one service");
  return services;
}

/** One entry of `cells`; null when it has a problem. `seen`: ids so far and their lines. */
function parseCell(raw: unknown, i: number, seen: Map<string, number>, c: SpecErrors): CellSpec | null {
  const at = (k?: string) => (k ? ["cells", i, k] : ["cells", i]);
  const f = (k: string) => `cells[${i}].${k}`;
  if (!isRecord(raw)) {
    c.at(at(), `cells[${i}]`, "must be a mapping with id, tier and region");
    return null;
  }
  const before = c.count;
  for (const k of Object.keys(raw)) {
    if (!CELL_KEYS.has(k)) c.at(at(k), f(k), `unknown field (allowed: ${[...CELL_KEYS].join(", ")})`);
  }
  const { id, tier, region, compliance } = raw;
  if (typeof id !== "string" || id === "") c.at(at("id"), f("id"), "required");
  else if (!CELL_ID_PATTERN.test(id)) c.at(at("id"), f("id"), `"${id}" must match ${CELL_ID_PATTERN} (lower-case letters, digits, dashes)`);
  else if (seen.has(id)) c.at(at("id"), f("id"), `duplicate cell id "${id}" (first defined on line ${seen.get(id)})`);
  else seen.set(id, c.line(at("id")) ?? 0);
  if (typeof tier !== "string" || !(TIERS as readonly string[]).includes(tier)) {
    c.at(
      at("tier"),
      f("tier"),
      tier === undefined ? `required (one of ${TIERS.join(", ")})` : `unknown tier "${String(tier)}" (one of ${TIERS.join(", ")})`,
    );
  }
  if (typeof region !== "string" || region.trim() === "") c.at(at("region"), f("region"), "required");
  let tags: string[] = [];
  if (compliance !== undefined) {
    if (!Array.isArray(compliance) || compliance.some((t) => typeof t !== "string" || t === "")) {
      c.at(at("compliance"), f("compliance"), "must be a list of tags, e.g. [hipaa]");
    } else tags = compliance as string[];
  }
  if (c.count > before) return null;
  return { id: id as string, tier: tier as Tier, region: region as string, compliance: [...new Set(tags)].sort() };
}

/** The fleet file for a registry, in the shape of examples/fleet.yaml. */
export function exportFleetYaml(spec: FleetSpec): string {
  const width = Math.max(0, ...spec.cells.map((c) => c.id.length)) + 1;
  const tierWidth = Math.max(0, ...spec.cells.map((c) => c.tier.length)) + 1;
  const lines = [
    "# Cellplane fleet: one cell template, many instances with their own variables.",
    "template:",
    `  services: [${spec.services.join(", ")}]`,
    "",
    "cells:",
    ...spec.cells.map((c) => {
      const parts = [`id: ${(`${c.id},`).padEnd(width + 1)}`, `tier: ${(`${c.tier},`).padEnd(tierWidth + 1)}`, `region: ${c.region}`];
      if (c.compliance.length) parts[2] += `, compliance: [${c.compliance.join(", ")}]`;
      return `  - { ${parts.join(" ")} }`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

export interface CellChange {
  id: string;
  field: "tier" | "region" | "compliance" | "status";
  from: string;
  to: string;
}

export interface FleetDiff {
  servicesAdded: string[];
  servicesRemoved: string[];
  added: CellSpec[];
  removed: CellSpec[];
  changed: CellChange[];
}

export interface RegistryCell extends CellSpec {
  status: "active" | "draining" | "retired";
}

/**
 * What importing `desired` would do to a registry. Cells missing from the file are "removed"
 * (an import retires them; their history is kept). A retired cell back in the file is re-activated.
 */
export function diffFleet(current: { services: string[]; cells: RegistryCell[] }, desired: FleetSpec): FleetDiff {
  const byId = new Map(current.cells.map((c) => [c.id, c]));
  const wanted = new Set(desired.cells.map((c) => c.id));
  const diff: FleetDiff = {
    servicesAdded: desired.services.filter((s) => !current.services.includes(s)),
    servicesRemoved: current.services.filter((s) => !desired.services.includes(s)),
    added: [],
    removed: current.cells.filter((c) => c.status !== "retired" && !wanted.has(c.id)).map(({ status: _s, ...c }) => c),
    changed: [],
  };
  for (const c of desired.cells) {
    const cur = byId.get(c.id);
    if (!cur) {
      diff.added.push(c);
      continue;
    }
    if (cur.status === "retired") diff.changed.push({ id: c.id, field: "status", from: "retired", to: "active" });
    if (cur.tier !== c.tier) diff.changed.push({ id: c.id, field: "tier", from: cur.tier, to: c.tier });
    if (cur.region !== c.region) diff.changed.push({ id: c.id, field: "region", from: cur.region, to: c.region });
    const a = [...cur.compliance].sort().join(","),
      b = [...c.compliance].sort().join(",");
    if (a !== b) diff.changed.push({ id: c.id, field: "compliance", from: `[${a}]`, to: `[${b}]` });
  }
  return diff;
}

export function isEmptyDiff(d: FleetDiff): boolean {
  return !d.servicesAdded.length && !d.servicesRemoved.length && !d.added.length && !d.removed.length && !d.changed.length;
}

export function formatFleetDiff(d: FleetDiff): string {
  if (isEmptyDiff(d)) return "The registry matches the file.";
  const out: string[] = [];
  for (const s of d.servicesAdded) out.push(`+ service ${s} (added to every cell)`);
  for (const s of d.servicesRemoved) out.push(`- service ${s} (removed from every cell)`);
  for (const c of d.added) out.push(`+ cell ${c.id} (${c.tier}, ${c.region}${c.compliance.length ? `, ${c.compliance.join("/")}` : ""})`);
  for (const c of d.removed) out.push(`- cell ${c.id} (retired)`);
  for (const c of d.changed) out.push(`~ cell ${c.id}: ${c.field} ${c.from} → ${c.to}`);
  return out.join("\n");
}
