"use client";
// The blast radius of a change, shown before its confirming click: the cells and customers it
// reaches (enterprise customers by name), and as warnings the freezes and maintenance windows in
// force there and what else is in flight (a release, a flag ramp, a migration phase). Self-contained:
// a form renders it with its target and sends the warnings it showed with the confirming click —
// as a hidden field (`name`) or through `onSeen` — and the server checks them again and records them.
import { TriangleAlert } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { previewBlastRadiusAction } from "@/app/(dashboard)/changes/actions";
import type { BlastRadius as Radius, BlastTarget } from "@/lib/changes/blast-radius";
import { plural } from "@/lib/format";

type State = { status: "idle" } | { status: "loading" } | { status: "ready"; radius: Radius } | { status: "error"; message: string };

export function BlastRadius({
  target,
  name,
  onSeen,
  delayMs = 300,
}: {
  /** What is about to change; null: nothing to preview yet. */
  target: BlastTarget | null;
  /** Render a hidden form field with the keys of the warnings shown. */
  name?: string;
  /** The keys of the warnings shown, or null while the preview is not there. */
  onSeen?: (keys: string[] | null) => void;
  delayMs?: number;
}) {
  const [state, setState] = useState<State>({ status: "idle" });
  const key = target ? JSON.stringify(target) : "";
  const latest = useRef(0);
  const seen = useRef(onSeen);
  seen.current = onSeen;

  useEffect(() => {
    const id = ++latest.current;
    seen.current?.(null);
    if (!key) {
      setState({ status: "idle" });
      return;
    }
    setState({ status: "loading" });
    const timer = setTimeout(async () => {
      const r = await previewBlastRadiusAction(JSON.parse(key));
      if (id !== latest.current) return; // a newer target replaced this one
      if (r.ok) {
        setState({ status: "ready", radius: r.data });
        seen.current?.(r.data.warnings.map((w) => w.key));
      } else setState({ status: "error", message: r.message });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs]);

  if (state.status === "idle") return null;
  return (
    <section
      className="w-full rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm"
      data-testid="blast-radius"
      data-status={state.status}
      aria-live="polite"
    >
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Blast radius</h3>
      {state.status === "loading" && <p className="mt-1 text-slate-500">Working out what this reaches…</p>}
      {state.status === "error" && <p className="mt-1 text-red-700">{state.message}</p>}
      {state.status === "ready" && <Details radius={state.radius} />}
      {state.status === "ready" && name && (
        <input type="hidden" name={name} value={JSON.stringify(state.radius.warnings.map((w) => w.key))} />
      )}
    </section>
  );
}

/** A blast radius already computed (e.g. returned by an import's preview), shown the same way. */
export function BlastRadiusView({ radius }: { radius: Radius }) {
  return (
    <section className="w-full rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="blast-radius" data-status="ready">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Blast radius</h3>
      <Details radius={radius} />
    </section>
  );
}

function Details({ radius }: { radius: Radius }) {
  const tiers = Object.entries(radius.tiers)
    .map(([t, n]) => `${n} ${t}`)
    .join(", ");
  const ent = radius.customers.enterprise;
  return (
    <>
      <p className="mt-1" data-testid="blast-reach">
        Reaches <strong>{plural(radius.cells.length, "cell")}</strong>
        {tiers && <span className="text-slate-500"> ({tiers})</span>} and <strong>{plural(radius.customers.total, "customer")}</strong>
        {ent.length > 0 && (
          <>
            , among them {ent.length === 1 ? "the enterprise customer" : `${ent.length} enterprise customers:`}{" "}
            <span data-testid="blast-enterprise">
              {ent
                .slice(0, 8)
                .map((c) => c.name)
                .join(", ")}
            </span>
            {ent.length > 8 && ` and ${ent.length - 8} more`}
          </>
        )}
        .
      </p>
      {radius.cells.length > 0 && radius.cells.length <= 12 && (
        <p className="mt-0.5 font-mono text-xs text-slate-500">{radius.cells.join(", ")}</p>
      )}
      {radius.warnings.length > 0 ? (
        <ul className="mt-2 space-y-1" data-testid="blast-warnings">
          {radius.warnings.map((w) => (
            <li
              key={w.key}
              className="flex gap-1 rounded-md bg-amber-50 px-2 py-1 text-amber-900 ring-1 ring-amber-200"
              data-testid="blast-warning"
              data-key={w.key}
            >
              <TriangleAlert aria-hidden className="mt-0.5 h-3.5 w-3.5 shrink-0" /> <span className="min-w-0 break-words">{w.message}</span>
            </li>
          ))}
          <li className="text-xs text-slate-500">Confirming records in the audit log that these warnings were shown.</li>
        </ul>
      ) : (
        <p className="mt-1 text-xs text-emerald-700" data-testid="blast-clear">
          Nothing else is in force or in flight on these cells.
        </p>
      )}
    </>
  );
}
