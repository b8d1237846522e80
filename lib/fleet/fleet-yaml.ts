// The fleet file (GitOps): one cell template and many cell instances with their own variables.
// Parse with line-numbered errors, export in the same shape, and diff against the registry.
import { nodeAt, parseLocated, SpecValidationError, type SpecError } from "@/lib/yaml-errors";

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
  const { doc, lineOf, syntaxErrors } = parseLocated(text);
  if (syntaxErrors.length) throw new SpecValidationError(syntaxErrors);
  const errors: SpecError[] = [];
  const err = (path: (string | number)[], field: string, message: string) =>
    errors.push({ line: lineOf(nodeAt(doc, path)), field, message });

  const root = doc.toJS() as unknown;
  if (!root || typeof root !== "object" || Array.isArray(root)) {
    throw new SpecValidationError([{ line: 1, field: "(root)", message: "expected a mapping with `template` and `cells`" }]);
  }
  const r = root as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key !== "template" && key !== "cells") err([key], key, "unknown top-level field (expected `template` and `cells`)");
  }

  const services: string[] = [];
  const template = r.template as Record<string, unknown> | undefined;
  if (!template || typeof template !== "object" || !Array.isArray(template.services)) {
    err(["template"], "template.services", "required: the list of services every cell runs");
  } else {
    template.services.forEach((s: unknown, i: number) => {
      const path = ["template", "services", i];
      if (typeof s !== "string") return err(path, `template.services[${i}]`, "must be a service name");
      if (!knownServices.includes(s)) {
        return err(path, `template.services[${i}]`, `unknown service "${s}" (known: ${knownServices.join(", ")})`);
      }
      if (services.includes(s)) return err(path, `template.services[${i}]`, `duplicate service "${s}"`);
      services.push(s);
    });
    if (template.services.length === 0) err(["template", "services"], "template.services", "must list at least one service");
  }

  const cells: CellSpec[] = [];
  if (!Array.isArray(r.cells)) {
    err(["cells"], "cells", "required: a list of cells");
  } else {
    const seen = new Map<string, number>();
    r.cells.forEach((c: unknown, i: number) => {
      const at = (k?: string) => (k ? ["cells", i, k] : ["cells", i]);
      const f = (k: string) => `cells[${i}].${k}`;
      if (!c || typeof c !== "object" || Array.isArray(c)) return err(at(), `cells[${i}]`, "must be a mapping with id, tier and region");
      const cell = c as Record<string, unknown>;
      let ok = true;
      for (const k of Object.keys(cell)) {
        if (!CELL_KEYS.has(k)) {
          err(at(k), f(k), `unknown field (allowed: ${[...CELL_KEYS].join(", ")})`);
          ok = false;
        }
      }
      const { id, tier, region, compliance } = cell;
      if (typeof id !== "string" || id === "") {
        err(at("id"), f("id"), "required");
        ok = false;
      } else if (!CELL_ID_PATTERN.test(id)) {
        err(at("id"), f("id"), `"${id}" must match ${CELL_ID_PATTERN} (lower-case letters, digits, dashes)`);
        ok = false;
      } else if (seen.has(id)) {
        err(at("id"), f("id"), `duplicate cell id "${id}" (first defined on line ${seen.get(id)})`);
        ok = false;
      } else seen.set(id, lineOf(nodeAt(doc, at("id"))) ?? 0);
      if (typeof tier !== "string" || !(TIERS as readonly string[]).includes(tier)) {
        err(
          at("tier"),
          f("tier"),
          tier === undefined ? `required (one of ${TIERS.join(", ")})` : `unknown tier "${String(tier)}" (one of ${TIERS.join(", ")})`,
        );
        ok = false;
      }
      if (typeof region !== "string" || region.trim() === "") {
        err(at("region"), f("region"), "required");
        ok = false;
      }
      let tags: string[] = [];
      if (compliance !== undefined) {
        if (!Array.isArray(compliance) || compliance.some((t) => typeof t !== "string" || t === "")) {
          err(at("compliance"), f("compliance"), "must be a list of tags, e.g. [hipaa]");
          ok = false;
        } else tags = compliance as string[];
      }
      if (ok) cells.push({ id: id as string, tier: tier as Tier, region: region as string, compliance: [...new Set(tags)].sort() });
    });
  }

  if (errors.length) throw new SpecValidationError(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { services, cells };
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
