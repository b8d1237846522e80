/**
 * A one-phase migration manifest: `expand` runs the seed's SQL script on each step's cells in
 * order (`cells`: the YAML flow list's items), a step with `approval` waiting for one.
 */
export function expandManifest(id: string, steps: { cells: string; approval?: boolean }[]): string {
  const rollout = steps.map((s) => `        - cells: [${s.cells}]${s.approval ? "\n          requires_approval: true" : ""}\n`).join("");
  return `migration:
  id: ${id}
  phases:
    - name: expand
      type: schema
      script: migrations/001_add_recipient_id.sql
      rollout:
${rollout}`;
}
