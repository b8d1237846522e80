// The cell state card: what the control plane holds in force in one cell, in one glance — every
// service's desired and observed version, each flag in effect (percentage, allowlisted customers,
// prerequisites), the API versions it serves and how the edge treats them, each migration's phase
// there, open gates, freezes and maintenance windows. What does not exist yet shows "—".
import { FREEZE_COVERS, freezeText } from "@/lib/settings/freezes";
import Link from "next/link";
import type { CellCard } from "@/lib/changes/state-card";
import { formatTime, plural } from "@/lib/format";

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <div data-testid={testId}>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {children}
    </div>
  );
}

const none = (what: string) => <p className="text-xs text-slate-500">{what}</p>;

/** A section listing things, or saying in words (`empty`) that there are none; `after` follows the list. */
function ListSection({
  title,
  testId,
  empty,
  after,
  children,
}: {
  title: string;
  testId: string;
  empty: string | false;
  after?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Section title={title} testId={testId}>
      {empty ? none(empty) : <ul className="space-y-0.5 text-xs">{children}</ul>}
      {after}
    </Section>
  );
}

export function StateCard({ card }: { card: CellCard }) {
  return (
    <div className="grid gap-4 text-sm md:grid-cols-2 xl:grid-cols-3" data-testid="state-card">
      <Section title="Code" testId="state-code">
        <table className="w-full text-xs">
          <tbody>
            {card.services.map((s) => (
              <tr key={s.service}>
                <td className="py-0.5 font-medium">{s.service}</td>
                <td className="font-mono">{s.observed ?? "—"}</td>
                <td className={`font-mono ${s.converged ? "text-slate-500" : "text-amber-700"}`}>{s.converged ? "" : `→ ${s.desired}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Flags in effect" testId="state-flags">
        {card.flags.length === 0 ? (
          none("No flag is on here.")
        ) : (
          <table className="w-full text-xs [overflow-wrap:anywhere]">
            <thead className="text-left text-[10px] uppercase text-slate-500">
              <tr>
                <th className="font-normal">flag</th>
                <th className="text-right font-normal">in force</th>
                <th className="text-right font-normal">allowlisted</th>
                <th className="pl-2 font-normal">prerequisites</th>
              </tr>
            </thead>
            <tbody>
              {card.flags.map((f) => (
                <tr key={f.key} data-testid={`state-flag-${f.key}`}>
                  <td className="py-0.5">
                    <Link href={`/flags/${encodeURIComponent(f.key)}`} className="font-mono text-indigo-700 hover:underline">
                      {f.key}
                    </Link>
                    {f.next && (
                      <span className="ml-1 text-[10px] text-slate-500">
                        next {f.next.percentage}% {formatTime(f.next.at)}
                      </span>
                    )}
                  </td>
                  <td className="text-right tabular-nums">
                    {f.percentage}%
                    {f.source === "manual" ? null : (
                      <span className="text-slate-500">
                        {" "}
                        ({f.source === "held" ? "held by its guard" : f.source === "frozen" ? "held by the freeze" : "schedule"})
                      </span>
                    )}
                  </td>
                  <td className="text-right tabular-nums">{f.allowlisted}</td>
                  <td className="pl-2 text-slate-500" title="Whether the versions this cell runs satisfy the flag's code prerequisites">
                    {f.prerequisitesHold === null ? "—" : f.prerequisitesHold ? "hold" : "not met (held back here)"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <ListSection
        title="API versions served"
        testId="state-apis"
        empty={card.apis.length === 0 && "The cell has reported no API versions."}
      >
        {card.apis.map((a) => (
          <li key={`${a.service}-${a.apiVersion}`} className="flex justify-between gap-2">
            <span>
              {a.service} <span className="font-mono">{a.apiVersion}</span>
              {!a.served && <span className="ml-1 text-amber-700">(last reported {formatTime(a.lastReportedAt)})</span>}
            </span>
            <span className={a.edge === "enabled" ? "text-emerald-700" : a.edge === "deprecated" ? "text-amber-700" : "text-slate-500"}>
              {a.edge === "enabled" ? "enabled at the edge" : a.edge === "no route" ? "no route at the edge" : `${a.edge} at the edge`}
            </span>
          </li>
        ))}
      </ListSection>
      <ListSection
        title="Schema migrations"
        testId="state-migrations"
        empty={card.migrations.length === 0 && "No migration is under way here."}
      >
        {card.migrations.map((m) => (
          <li key={m.id}>
            <Link href={`/migrations/${m.id}`} className="font-mono text-indigo-700 hover:underline">
              {m.id}
            </Link>{" "}
            {m.status.replace("_", " ")} · phase {m.currentPhase ?? "—"} · here: {m.cellStatus ?? "—"}
          </li>
        ))}
      </ListSection>
      <ListSection title="Open gates" testId="state-gates" empty={card.gates.length === 0 && "No gate waits on this cell."}>
        {card.gates.map((g) => (
          <li key={`${g.kind}-${g.id}-${g.title}`}>
            <Link href={g.kind === "release" ? `/releases/${g.id}` : `/migrations/${g.id}`} className="text-indigo-700 hover:underline">
              {g.title}
            </Link>
            {g.since && <span className="text-slate-500"> · since {formatTime(g.since)}</span>}
          </li>
        ))}
      </ListSection>
      <ListSection
        title="Freezes and windows"
        testId="state-freezes"
        empty={card.freezes.length === 0 && card.windows.length === 0 && "No freeze in force, no maintenance window."}
        after={
          card.freezes.length > 0 && (
            <p className="mt-1 text-[10px] text-slate-500">
              {plural(card.freezes.length, "freeze")}: {FREEZE_COVERS}.
            </p>
          )
        }
      >
        {card.freezes.map((f) => (
          <li key={f.id} className="font-medium text-blue-800">
            {freezeText(f)}
          </li>
        ))}
        {card.windows.map((w) => (
          <li key={w.id} className={w.inside ? "font-medium text-amber-800" : "text-slate-600"}>
            Window ({w.scope}) {w.inside ? `open until ${formatTime(w.end, { utc: true })}` : `next ${formatTime(w.start, { utc: true })}`}
          </li>
        ))}
      </ListSection>
    </div>
  );
}
