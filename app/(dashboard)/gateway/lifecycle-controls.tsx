"use client";
// Enable / deprecate / sunset / re-enable for one route. Each control says why it is unavailable;
// the server decides anyway (the one door), and its refusal (e.g. the lagging cells) is shown.
import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { ConsequenceList } from "@/components/confirm/typed-confirmation";
import { BlastRadius } from "@/components/changes/blast-radius";
import type { ActionResult } from "@/lib/auth/server/action";
import type { Consequences } from "@/lib/fleet/consequences";
import type { ActionAvailability, LifecycleKind } from "@/lib/gateway/lifecycle";
import { deprecateRouteAction, enableRouteAction, forceEnableRouteAction, reenableRouteAction, sunsetRouteAction } from "./actions";

type Result = ActionResult<{ route: string; status: string; version: number }>;

export interface ControlsProps {
  routeKey: string;
  revision: number;
  status: string;
  actions: Record<LifecycleKind, ActionAvailability>;
  canChange: boolean;
  canForce: boolean;
  readinessSummary: string;
  /** What a sunset touches: every active cell and the customers homed there (null when not offered). */
  sunsetTouches?: Consequences | null;
  defaults: { deprecationDate: string; sunsetDate: string; documentation: string };
}

function Outcome({ result }: { result: Result | null }) {
  if (!result) return null;
  if (result.ok) {
    return (
      <p className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" role="status" data-testid="lifecycle-success">
        {result.data.route} is now {result.data.status} · gateway config version {result.data.version}.
      </p>
    );
  }
  const lagging = result.fieldErrors?.laggingCells;
  const fields = Object.entries(result.fieldErrors ?? {}).filter(([k]) => k !== "laggingCells");
  return (
    <div
      className="mt-3 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800"
      role="status"
      data-testid="lifecycle-error"
      data-code={result.code}
    >
      <p className="font-medium">{result.message}</p>
      {lagging && (
        <div className="mt-2">
          <p className="text-xs">Lagging cells ({lagging.length}):</p>
          <ul className="mt-1 flex flex-wrap gap-1" data-testid="lagging-cells">
            {lagging.map((c) => (
              <li key={c} className="rounded bg-white px-1.5 py-0.5 font-mono text-xs ring-1 ring-rose-200">
                {c}
              </li>
            ))}
          </ul>
        </div>
      )}
      {fields.map(([k, v]) => (
        <p key={k} className="mt-1 text-xs">
          {k}: {v.join(", ")}
        </p>
      ))}
    </div>
  );
}

function Control({
  title,
  help,
  availability,
  canChange,
  shown,
  children,
}: {
  title: string;
  help: string;
  availability: ActionAvailability;
  canChange: boolean;
  /** The refusal already on screen (the outcome below): not said a second time here. */
  shown: string | null;
  children: ReactNode;
}) {
  const reason = !canChange ? "Release managers and admins change routes." : availability.reason;
  const why = reason && reason !== shown ? reason : null;
  return (
    <section
      className="rounded-lg border border-slate-200 p-3"
      data-testid={`control-${availability.kind}`}
      data-available={availability.available && canChange}
    >
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      <p className="mb-2 text-xs text-slate-500">{help}</p>
      {children}
      {why && (
        <p className="mt-2 text-xs text-amber-800" data-testid="unavailable-reason">
          Unavailable: {why}
        </p>
      )}
    </section>
  );
}

/** The deprecation notice's fields, in the order they are asked. */
const NOTICE_FIELDS: { key: keyof ControlsProps["defaults"]; label: string; type: "date" | "url"; placeholder?: string }[] = [
  { key: "deprecationDate", label: "Deprecation date", type: "date" },
  { key: "sunsetDate", label: "Sunset date", type: "date" },
  { key: "documentation", label: "Documentation link", type: "url", placeholder: "https://docs…" },
];

const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50";

export function LifecycleControls(p: ControlsProps) {
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  const [seen, setSeen] = useState<string[] | null>(null);
  const run = (action: (fd: FormData) => Promise<Result>, fields: Record<string, string>) => {
    const fd = new FormData();
    fd.set("route", p.routeKey);
    fd.set("revision", String(p.revision));
    if (seen) fd.set("seenWarnings", JSON.stringify(seen));
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    start(async () => {
      const r = await action(fd);
      setResult(r);
      if (r.ok) router.refresh();
    });
  };
  const [reason, setReason] = useState("");
  const [dep, setDep] = useState(p.defaults);
  const [confirm, setConfirm] = useState("");
  const a = p.actions;
  const refused = result && !result.ok ? result.message : null;
  // The server is the judge: controls stay clickable for people who may act, so a refusal is explained.
  const off = (k: LifecycleKind) => pending || !p.canChange || (!a[k].available && !(k === "enable" && p.status === "disabled"));
  /** What a control says about itself: whether it is available, and why not unless the refusal is on screen already. */
  const control = (k: LifecycleKind) => ({ availability: a[k], canChange: p.canChange, shown: refused });

  return (
    <div className="space-y-3" data-testid="lifecycle-controls">
      {p.canChange && p.status !== "sunset" && (
        <BlastRadius
          target={{ kind: "route", route: p.routeKey, action: p.status === "disabled" ? "enable" : "deprecate" }}
          onSeen={setSeen}
        />
      )}
      {p.status === "disabled" && (
        <Control
          title="Enable at the edge"
          help={`One global, atomic switch. Allowed once every active cell reports the handlers (${p.readinessSummary}).`}
          {...control("enable")}
        >
          <button
            type="button"
            className={`${button} bg-indigo-600 text-white hover:bg-indigo-500`}
            disabled={off("enable")}
            onClick={() => run(enableRouteAction, {})}
          >
            {pending ? "Working…" : `Enable ${p.routeKey}`}
          </button>
          {p.canForce && !a.enable.available && (
            <div className="mt-3 rounded-md border border-amber-200 bg-amber-50 p-2" data-testid="force-enable">
              <label className="block text-xs text-amber-900">
                Admin: force past the readiness gate — type why (audited)
                <textarea
                  aria-label="Reason to force"
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  rows={2}
                  className="mt-1 w-full rounded border border-amber-300 bg-white p-1.5 text-sm"
                />
              </label>
              <button
                type="button"
                className={`${button} mt-1 bg-amber-700 text-white hover:bg-amber-600`}
                disabled={pending}
                onClick={() => run(forceEnableRouteAction, { reason })}
              >
                Force enable
              </button>
            </div>
          )}
        </Control>
      )}
      {(p.status === "active" || p.status === "deprecated") && (
        <Control
          title={p.status === "deprecated" ? "Update the deprecation notice" : "Deprecate"}
          help="Clients get Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers; the route keeps answering until it is sunset."
          {...control("deprecate")}
        >
          <div className="grid gap-2 sm:grid-cols-3">
            {NOTICE_FIELDS.map((f) => (
              <label key={f.key} className="text-xs text-slate-600">
                {f.label}
                <input
                  aria-label={f.label}
                  type={f.type}
                  placeholder={f.placeholder}
                  value={dep[f.key]}
                  onChange={(e) => setDep({ ...dep, [f.key]: e.target.value })}
                  className="mt-0.5 w-full rounded border border-slate-300 px-2 py-1 text-sm"
                />
              </label>
            ))}
          </div>
          <button
            type="button"
            className={`${button} mt-2 bg-amber-700 text-white hover:bg-amber-600`}
            disabled={off("deprecate")}
            onClick={() => run(deprecateRouteAction, dep)}
          >
            {p.status === "deprecated" ? "Update notice" : "Deprecate"}
          </button>
        </Control>
      )}
      {p.status === "deprecated" && (
        <Control title="Sunset" help="The route then answers 410 Gone at the edge. Type the route to confirm." {...control("sunset")}>
          {p.sunsetTouches && (
            <div className="mb-2 rounded-md border border-rose-200 bg-rose-50 p-2 text-rose-950">
              <ConsequenceList consequences={p.sunsetTouches} what={`Every customer still calling ${p.routeKey} gets 410 Gone — across`} />
            </div>
          )}
          <input
            aria-label="Type the route to confirm"
            value={confirm}
            placeholder={p.routeKey}
            onChange={(e) => setConfirm(e.target.value)}
            className="w-full rounded border border-slate-300 px-2 py-1 font-mono text-sm"
          />
          <button
            type="button"
            className={`${button} mt-2 bg-rose-600 text-white hover:bg-rose-500`}
            disabled={off("sunset") || confirm.trim() !== p.routeKey}
            onClick={() => run(sunsetRouteAction, { confirmation: confirm })}
          >
            Sunset {p.routeKey}
          </button>
        </Control>
      )}
      {p.status === "deprecated" && (
        <Control
          title="Re-enable"
          help="Withdraw the deprecation: the route is active again and the headers stop."
          {...control("reenable")}
        >
          <button
            type="button"
            className={`${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}
            disabled={off("reenable")}
            onClick={() => run(reenableRouteAction, {})}
          >
            Re-enable
          </button>
        </Control>
      )}
      {p.status === "sunset" && (
        <p className="text-sm text-slate-600">
          This route has been sunset: it answers 410 Gone. A sunset route is not re-enabled (its handlers may be gone from cells); import a
          config to restore it deliberately.
        </p>
      )}
      <Outcome result={result} />
    </div>
  );
}
