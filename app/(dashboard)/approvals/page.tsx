import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/auto-refresh";
import { PageHeader } from "@/components/page-header";
import { canApprove, canDecideGates } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { pendingGates } from "@/lib/rollouts/server/queries";
import { formatTime, plural } from "@/lib/format";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const user = await requireUser();
  const gates = await pendingGates();
  const mine = gates.filter((g) => canApprove(user, g));
  return (
    <>
      <AutoRefresh active everyMs={5000} />
      <PageHeader
        title="Approvals inbox"
        subtitle={
          canDecideGates(user)
            ? `${plural(mine.length, "gate")} waiting on you, oldest first. Gates of releases you started wait for someone else.`
            : "Gates waiting for a release manager."
        }
      />
      <ul className="space-y-3" data-testid="approvals-inbox">
        {gates.map((g) => {
          const yours = canApprove(user, g);
          return (
            <li
              key={g.id}
              className={`rounded-xl border bg-white p-4 shadow-sm ${yours ? "border-violet-300" : "border-slate-200 opacity-80"}`}
              data-testid="gate"
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <Link href={`/releases/${g.id}`} className="font-medium text-indigo-700 hover:underline">
                  {g.title}
                </Link>
                <span className="text-xs text-slate-500">waiting since {formatTime(g.since, { utc: true })}</span>
              </div>
              <p className="mt-1 text-sm text-slate-600">
                Wave <b>{g.waveName}</b> → {g.cells.join(", ")} · started by {g.startedBy}
                {g.notify ? ` · notifies ${g.notify}` : ""}
              </p>
              {!yours && canDecideGates(user) && (
                <p className="mt-1 text-xs text-slate-500">You started this release: four-eyes requires another release manager.</p>
              )}
            </li>
          );
        })}
        {gates.length === 0 && (
          <li className="rounded-xl border border-slate-200 bg-white p-8 text-center text-sm text-slate-500">No gates are waiting.</li>
        )}
      </ul>
    </>
  );
}
