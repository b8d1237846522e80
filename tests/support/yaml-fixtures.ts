// YAML that tests import or parse, built in one place: the example files as shipped, migration
// manifests written from a few options instead of the same literal in every test, and the errors a
// YAML reader refuses a file with. Used by unit tests (pure: it only reads files under examples/),
// integration tests and e2e journeys alike.
import fs from "node:fs";
import path from "node:path";
import { parseFleetYaml } from "../../lib/fleet/fleet-yaml";
import { type MigrationSpec, parseManifestYaml } from "../../lib/schema-migrations/manifest";
import { FLEET } from "../../lib/schema-migrations/test-fixtures";
import { type SpecError, SpecValidationError } from "../../lib/yaml-errors";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The text of a file under examples/, as shipped. */
export const exampleText = (file: string) => fs.readFileSync(path.join(ROOT, "examples", file), "utf8");

/** The five product services every cell runs. */
export const SERVICES = ["sms", "voice", "video", "whatsapp", "email"];

/** The cells of examples/fleet.yaml (16 cells: canary, 12 smb, 3 enterprise). */
export const exampleFleetCells = () => parseFleetYaml(exampleText("fleet.yaml"), SERVICES).cells;

/** The problems a YAML reader refuses a file with; fails when the file is accepted. */
export function specErrors(read: () => unknown): SpecError[] {
  try {
    read();
  } catch (e) {
    if (e instanceof SpecValidationError) return e.errors;
    throw e;
  }
  throw new Error("expected the file to be refused");
}

// ---- Feature flags ----

/** A flags file that uses every field: targeting, a schedule (one instant with an offset), requires and a guard. */
export const FLAGS_YAML = `flags:
  - key: newVoiceCodec
    description: Opus voice codec
    owner: voice-team
    enabled: true
    rolloutPercentage: 0
    allowlist: [enterprise-customer-123]
    targeting: { tiers: [enterprise], regions: [us-east-1] }
    schedule:
      - { at: 2026-12-01T09:00:00Z, percentage: 0 }
      - { at: "2026-12-02T10:00:00+01:00", percentage: 5 }
    requires: { voice: ">=3.2.0" }
    guard:
      checks: ["error_rate < 2x baseline", { check: "error_rate < 1%", min_samples: 5 }]
      onBreach: revert
      notify: slack://voice-team
  - key: checkout.v2
`;

// ---- Migration manifests ----

export const CANARY = "canary-us-internal";
export const SCRIPTS = {
  expand: "migrations/001_add_recipient_id.sql",
  backfill: "migrations/001_backfill_recipient_id.sql",
  contract: "migrations/001_drop_to_phone.sql",
};

/** One step of a schema phase's rollout: its cells (names or patterns), then how it proceeds. */
export interface StepOptions {
  cells: string[];
  wait?: string;
  requiresApproval?: boolean;
}

export type PhaseOptions =
  | { name: string; type: "schema"; script: string; irreversible?: boolean; rollout: StepOptions[] }
  | {
      name: string;
      type: "data";
      script: string;
      parallelCells: number;
      checkpointInterval?: number;
      maxRowsPerSecond?: number;
    }
  | { name: string; type: "deployment"; version: string; rollout: string };

/** The canary first (after a wait, if given), then every other cell. */
export const canaryThenAll = (wait?: string): StepOptions[] => [{ cells: [CANARY], wait }, { cells: ["*"] }];

/** canary, the smb cells, then the enterprise cells behind an approval, each step but the last waiting `wait`. */
export const canarySmbEnterprise = (wait: string, lastWait?: string): StepOptions[] => [
  { cells: [CANARY], wait },
  { cells: ["smb-*"], wait },
  { cells: ["enterprise-*"], wait: lastWait, requiresApproval: true },
];

export const expandPhase = (rollout: StepOptions[], script = SCRIPTS.expand): PhaseOptions => ({
  name: "expand",
  type: "schema",
  script,
  rollout,
});
export const contractPhase = (rollout: StepOptions[], script = SCRIPTS.contract): PhaseOptions => ({
  name: "contract",
  type: "schema",
  script,
  rollout,
});
export const backfillPhase = (
  parallelCells: number,
  o: { script?: string; checkpointInterval?: number; maxRowsPerSecond?: number } = {},
): PhaseOptions => ({ name: "backfill", type: "data", parallelCells, ...o, script: o.script ?? SCRIPTS.backfill });

/** A YAML flow list of cell names or patterns; a pattern that starts with `*` is quoted (YAML reads a bare one as an alias). */
const cellList = (cells: string[]) => `[${cells.map((c) => (c.startsWith("*") ? JSON.stringify(c) : c)).join(", ")}]`;

function phaseLines(p: PhaseOptions): string[] {
  const lines = [`    - name: ${p.name}`, `      type: ${p.type}`];
  if (p.type === "deployment") return [...lines, `      version: ${p.version}`, `      rollout: ${p.rollout}`];
  lines.push(`      script: ${p.script}`);
  if (p.type === "data") {
    lines.push(`      parallel_cells: ${p.parallelCells}`);
    if (p.checkpointInterval !== undefined) lines.push(`      checkpoint_interval: ${p.checkpointInterval}`);
    if (p.maxRowsPerSecond !== undefined) lines.push(`      max_rows_per_second: ${p.maxRowsPerSecond}`);
    return lines;
  }
  if (p.irreversible !== undefined) lines.push(`      irreversible: ${p.irreversible}`);
  lines.push("      rollout:");
  for (const s of p.rollout) {
    lines.push(`        - cells: ${cellList(s.cells)}`);
    if (s.wait) lines.push(`          wait: ${s.wait}`);
    if (s.requiresApproval) lines.push("          requires_approval: true");
  }
  return lines;
}

/** The text of a migration manifest (`migration:` with its id, an optional description, its phases in order). */
export function migrationYaml(id: string, phases: PhaseOptions[], o: { description?: string } = {}): string {
  const head = ["migration:", `  id: ${id}`, ...(o.description ? [`  description: ${JSON.stringify(o.description)}`] : [])];
  return [...head, "  phases:", ...phases.flatMap(phaseLines), ""].join("\n");
}

/** A manifest parsed against the small test fleet (schema-migrations/test-fixtures), with the standard pipeline and sms. */
export const parseTestManifest = (text: string, services = ["sms"]): MigrationSpec =>
  parseManifestYaml(text, { fleet: FLEET, pipelines: ["standard"], services });
