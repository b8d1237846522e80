// A route's audit trail, field by field (status disabled → active), newest first.
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { formatDay, formatTime, plural } from "@/lib/format";

const LABEL: Record<string, string> = {
  status: "status",
  deprecationDate: "deprecation",
  sunsetDate: "sunset",
  documentation: "documentation",
  introduced: "introduced",
  backend: "backend",
  service: "service",
  version: "version",
  aliasOf: "alias of",
  method: "method",
  path: "path",
  resource: "resource",
};

const show = (v: unknown): string => {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/.test(v)) return formatDay(v);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatTime(v, { utc: true });
  return typeof v === "object" ? JSON.stringify(v) : String(v);
};

export function changes(before: unknown, after: unknown): { field: string; from: string; to: string }[] {
  const b = (before ?? {}) as Record<string, unknown>,
    a = (after ?? {}) as Record<string, unknown>;
  return Object.keys(LABEL)
    .filter((k) => k in a || k in b)
    .filter((k) => show(b[k]) !== show(a[k]) || !before)
    .filter((k) => before || (a[k] !== null && a[k] !== undefined))
    .map((k) => ({ field: LABEL[k]!, from: before ? show(b[k]) : "", to: after ? show(a[k]) : "removed" }));
}

export function RouteHistory({ rows }: { rows: AuditEvent[] }) {
  if (!rows.length) return <p className="py-4 text-center text-sm text-slate-500">No changes recorded.</p>;
  return (
    <ol className="divide-y divide-slate-100" data-testid="route-history">
      {rows.map((e) => {
        const after = e.after as Record<string, unknown> | null;
        return (
          <li key={e.id.toString()} className="py-2 text-sm" data-testid="audit-row">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <span>
                <span className="font-mono text-xs font-semibold text-slate-800">{e.action}</span>{" "}
                <span className="text-slate-500">by</span> {e.actor}
              </span>
              <span className="font-mono text-xs text-slate-500">{formatTime(e.at, { seconds: true, utc: true })}</span>
            </div>
            <ul className="mt-1 space-y-0.5 text-xs text-slate-700">
              {changes(e.before, e.after).map((c) => (
                <li key={c.field}>
                  <span className="text-slate-500">{c.field}</span>{" "}
                  {c.from && (
                    <>
                      <span className="font-mono text-rose-700 line-through decoration-rose-300">{c.from}</span> →{" "}
                    </>
                  )}
                  <span className="font-mono text-emerald-700">{c.to}</span>
                </li>
              ))}
              {after?.forced === true && (
                <li className="text-amber-800">
                  forced past the readiness gate{Array.isArray(after.lagging) ? ` (${plural(after.lagging.length, "cell")} lagging)` : ""}
                </li>
              )}
              {typeof after?.configVersion === "number" && <li className="text-slate-500">gateway config version {after.configVersion}</li>}
            </ul>
            {e.reason && <p className="mt-1 text-xs text-slate-600">Reason: {e.reason}</p>}
          </li>
        );
      })}
    </ol>
  );
}
