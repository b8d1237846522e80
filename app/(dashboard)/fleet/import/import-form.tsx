"use client";
import { useState } from "react";
import { BlastRadiusView } from "@/components/changes/blast-radius";
import { DiffLines, YamlImportForm, type DiffLine } from "@/components/yaml-import";
import type { FleetDiff } from "@/lib/fleet/fleet-yaml";
import { importFleetAction } from "./actions";

function diffLines(diff: FleetDiff): DiffLine[] {
  return [
    ...diff.servicesAdded.map((s): DiffLine => ["+", `service ${s}`]),
    ...diff.servicesRemoved.map((s): DiffLine => ["−", `service ${s}`]),
    ...diff.added.map((c): DiffLine => ["+", `cell ${c.id} (${c.tier}, ${c.region})`]),
    ...diff.removed.map((c): DiffLine => ["−", `cell ${c.id} (retired)`]),
    ...diff.changed.map((c): DiffLine => ["~", `cell ${c.id}: ${c.field} ${c.from} → ${c.to}`]),
  ];
}

export function ImportForm({ canApply }: { canApply: boolean }) {
  // The warnings the last preview showed go with the import that follows (checked again and recorded).
  const [seen, setSeen] = useState<string[] | null>(null);
  return (
    <YamlImportForm
      action={importFleetAction}
      onResult={(r) => setSeen(r.ok && r.data.blast ? r.data.blast.warnings.map((w) => w.key) : null)}
      fields={seen ? <input type="hidden" name="seenWarnings" value={JSON.stringify(seen)} /> : null}
      label="Fleet YAML"
      placeholder={
        "template:\n  services: [sms, voice, video, whatsapp, email]\n\ncells:\n  - { id: smb-us-1, tier: smb, region: us-east-1 }"
      }
      applyTitle={canApply ? undefined : "Admins only"}
      success={(data) => (
        <>
          <p className="mb-2 font-medium text-emerald-800" data-testid="import-success">
            {data.applied ? `Imported ${data.cells} cells.` : `Preview: ${data.cells} cells in the file.`}
          </p>
          <DiffLines lines={diffLines(data.diff)} empty="No changes: the registry already matches the file." />
          {data.blast && (
            <div className="mt-3">
              <BlastRadiusView radius={data.blast} />
            </div>
          )}
        </>
      )}
    />
  );
}
