"use client";
import { TypedConfirmation } from "@/components/confirm/typed-confirmation";
import { useState } from "react";
import { BlastRadiusView } from "@/components/changes/blast-radius";
import { DiffLines, YamlImportForm, type DiffLine } from "@/components/yaml-import";
import type { FleetDiff } from "@/lib/fleet/fleet-yaml";
import { plural } from "@/lib/format";
import { type FleetImportOutcome, importFleetAction } from "./actions";

function diffLines(diff: FleetDiff): DiffLine[] {
  return [
    ...diff.servicesAdded.map((s): DiffLine => ["+", `service ${s}`]),
    ...diff.servicesRemoved.map((s): DiffLine => ["−", `service ${s}`]),
    ...diff.added.map((c): DiffLine => ["+", `cell ${c.id} (${c.tier}, ${c.region})`]),
    ...diff.removed.map((c): DiffLine => ["−", `cell ${c.id} (retired)`]),
    ...diff.changed.map((c): DiffLine => ["~", `cell ${c.id}: ${c.field} ${c.from} → ${c.to}`]),
  ];
}

type Result = FleetImportOutcome;

const removes = (d: Result) => d.diff.removed.length > 0 || d.diff.servicesRemoved.length > 0;

export function ImportForm({ canApply }: { canApply: boolean }) {
  // The warnings the last preview showed go with the import that follows (checked again and recorded).
  const [seen, setSeen] = useState<string[] | null>(null);
  return (
    <YamlImportForm<Result>
      action={importFleetAction}
      onResult={(r) => setSeen(r.ok && r.data.blast ? r.data.blast.warnings.map((w) => w.key) : null)}
      fields={seen ? <input type="hidden" name="seenWarnings" value={JSON.stringify(seen)} /> : null}
      label="Fleet YAML"
      placeholder={
        "template:\n  services: [sms, voice, video, whatsapp, email]\n\ncells:\n  - { id: smb-us-1, tier: smb, region: us-east-1 }"
      }
      applyTitle={canApply ? undefined : "Admins only"}
      previewFirst
      removes={removes}
      confirmation={(data, typed, setTyped) =>
        data.phrase
          ? {
              phrase: data.phrase,
              node: (
                <TypedConfirmation
                  consequences={data.retiring}
                  what="Importing this file retires"
                  phrase={data.phrase}
                  label="Type to confirm the retirement"
                  value={typed}
                  onChange={setTyped}
                  testId="retire-confirmation"
                />
              ),
            }
          : null
      }
      success={(data) => (
        <>
          <p className={`mb-2 font-medium ${removes(data) ? "text-red-800" : "text-emerald-800"}`} data-testid="import-success">
            {data.applied ? `Imported ${plural(data.cells, "cell")}.` : `Preview: ${plural(data.cells, "cell")} in the file.`}
            {!data.applied && data.diff.removed.length > 0 && (
              <span className="block" data-testid="retire-warning">
                {plural(data.diff.removed.length, "cell")} would be retired (missing from the file).
              </span>
            )}
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
