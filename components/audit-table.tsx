import Link from "next/link";
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { formatTime } from "@/lib/format";
import { DataTable } from "./data-table";
import { redactAuditEvent } from "@/lib/secrets/redact";

function summary(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = JSON.stringify(v);
  return s.length > 140 ? `${s.slice(0, 140)}…` : s;
}

export function AuditTable({ rows, compact = false }: { rows: AuditEvent[]; compact?: boolean }) {
  if (rows.length === 0) return <p className="px-4 py-6 text-center text-sm text-slate-500">No audit events.</p>;
  return (
    <DataTable testId="audit-table" bare columns={["When (UTC)", "Actor", "Action", ...(compact ? [] : ["Target"]), "Change"]}>
      {rows.map(redactAuditEvent).map((e) => (
        <tr key={e.id.toString()} className="align-top" data-testid="audit-row">
          <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-slate-500">{formatTime(e.at, { seconds: true })}</td>
          <td className="px-4 py-2">{e.actor}</td>
          <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
          {!compact && (
            <td className="px-4 py-2 text-xs">
              <span className="text-slate-500">{e.targetType}</span>{" "}
              {e.targetType === "cell" ? (
                <Link className="font-mono text-indigo-700 hover:underline" href={`/cells/${e.targetId}`}>
                  {e.targetId}
                </Link>
              ) : (
                <span className="font-mono">{e.targetId}</span>
              )}
            </td>
          )}
          <td className="max-w-xl px-4 py-2 font-mono text-[11px] text-slate-600">
            {e.before !== null && (
              <div>
                <span className="text-red-600">−</span> {summary(e.before)}
              </div>
            )}
            {e.after !== null && (
              <div>
                <span className="text-emerald-600">+</span> {summary(e.after)}
              </div>
            )}
            {e.reason && <div className="font-sans text-slate-500">Reason: {e.reason}</div>}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
