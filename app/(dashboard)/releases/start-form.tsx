"use client";
import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { BlastRadius } from "@/components/changes/blast-radius";
import { Button } from "@/components/forms/button";
import { ClientForm } from "@/components/forms/client-form";
import { useAction } from "@/components/forms/use-action";
import { startReleaseAction } from "./actions";

/** One of the release's choices (the `<option>`s are the children); the form keeps the value. */
type ChoiceProps = { label: string; name: string; value: string; onChange: (v: string) => void; children: ReactNode };

function Choice({ label, name, value, onChange, children }: ChoiceProps) {
  return (
    <label className="text-sm">
      <span className="block text-slate-600">{label}</span>
      <select
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="mt-1 rounded-md border border-slate-300 px-2 py-1"
      >
        {children}
      </select>
    </label>
  );
}

export function StartReleaseForm({
  pipelines,
  services,
}: {
  pipelines: { id: string; name: string }[];
  services: { id: string; current: string[] }[];
}) {
  const router = useRouter();
  const { result, pending, run } = useAction(startReleaseAction, (r) => router.push(`/releases/${r.id}`));
  // No service is preselected: a release names what it rolls on purpose.
  const [service, setService] = useState("");
  const [pipeline, setPipeline] = useState(pipelines.some((p) => p.id === "standard") ? "standard" : (pipelines[0]?.id ?? ""));
  const [version, setVersion] = useState("");
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <ClientForm testId="start-release" className="flex flex-wrap items-end gap-3" onSubmit={run}>
      <Choice label="Pipeline" name="pipeline" value={pipeline} onChange={setPipeline}>
        {pipelines.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.id})
          </option>
        ))}
      </Choice>
      <Choice label="Service" name="service" value={service} onChange={setService}>
        <option value="" disabled>
          Choose a service
        </option>
        {services.map((s) => (
          <option key={s.id} value={s.id}>
            {s.id}
          </option>
        ))}
      </Choice>
      <label className="text-sm">
        <span className="block text-slate-600">
          Version <span className="text-xs text-slate-500">(now: {services.find((s) => s.id === service)?.current.join(", ") || "—"})</span>
        </span>
        <input
          name="version"
          placeholder="v2.5.0"
          value={version}
          onChange={(e) => setVersion(e.target.value)}
          className={`mt-1 w-32 rounded-md border px-2 py-1 font-mono ${errors.version ? "border-red-400" : "border-slate-300"}`}
        />
      </label>
      <label className="text-sm">
        <span className="block text-slate-600">Title (optional)</span>
        <input name="title" className="mt-1 w-56 rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <Button variant="primary" type="submit" disabled={pending}>
        {pending ? "Starting…" : "Start release"}
      </Button>
      <BlastRadius
        target={pipeline && service && version.trim() ? { kind: "release", pipeline, versions: { [service]: version.trim() } } : null}
        name="seenWarnings"
      />
      {result && !result.ok && (
        <p className="w-full text-sm text-red-700" role="status" data-testid="start-error">
          {result.message}{" "}
          {Object.entries(result.fieldErrors ?? {})
            .map(([k, v]) => `${k}: ${v.join(", ")}`)
            .join("; ")}
        </p>
      )}
    </ClientForm>
  );
}
