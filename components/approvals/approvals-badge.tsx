"use client";
import Link from "next/link";
import { useApprovalsInbox } from "./use-approvals";

export interface ApprovalCounts {
  waiting: number;
  yours: number;
}

const plural = (n: number) => `${n} gate${n === 1 ? "" : "s"}`;

/** The navigation's count: gates the viewer may decide; gates waiting on others, muted. Live. */
export function ApprovalsBadge({ initial }: { initial: ApprovalCounts }) {
  const { data } = useApprovalsInbox();
  const { waiting, yours } = data ?? initial;
  if (yours > 0)
    return (
      <span
        className="ml-2 rounded-full bg-violet-600 px-2 text-xs font-semibold text-white tabular-nums"
        data-testid="approvals-badge"
        title={`${plural(yours)} waiting on you`}
      >
        {yours}
      </span>
    );
  if (waiting > 0)
    return (
      <span
        className="ml-2 rounded-full bg-white/15 px-2 text-xs text-slate-200 tabular-nums"
        data-testid="approvals-waiting-badge"
        title={`${plural(waiting)} waiting for someone else`}
      >
        {waiting}
      </span>
    );
  return null;
}

/** The global view's line about waiting gates, with a link to the inbox; nothing when none wait. Live. */
export function ApprovalsBanner({ initial }: { initial: ApprovalCounts }) {
  const { data } = useApprovalsInbox();
  const { waiting, yours } = data ?? initial;
  if (waiting === 0) return null;
  return (
    <section
      className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-xl border border-violet-200 bg-violet-50 px-4 py-2 text-sm text-violet-900"
      data-testid="approvals-banner"
    >
      <span>
        <b>{plural(waiting)}</b> waiting for approval
        {yours > 0 ? `, ${yours} of them on you` : " (none you may decide)"}.
      </span>
      <Link href="/approvals" className="font-medium text-violet-800 underline hover:text-violet-950">
        Open the approvals inbox
      </Link>
    </section>
  );
}
