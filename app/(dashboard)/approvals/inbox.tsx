"use client";
// The approvals inbox, live: every gate waiting for a decision, oldest first, with what it unblocks,
// who four-eyes excludes and — for the gates the viewer may decide — the decision itself, through
// the gate kind's own server actions (the server re-checks role, four-eyes and the typed id).
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { approvalKeys, useApprovalsInbox } from "@/components/approvals/use-approvals";
import { DecisionForm } from "@/components/forms/decision";
import { UpdatedAgo } from "@/components/updated-ago";
import { useNow } from "@/components/use-live-query";
import { ActionOutcome, type ServerAction, useServerAction } from "@/components/use-server-action";
import type { GateKind, GateRef, Inbox, InboxGate } from "@/lib/approvals/gates";
import { FlagChangeDiff } from "../flags/_components/change-diff";
import { approveFlagChangeAction, rejectFlagChangeAction } from "../flags/actions";
import { approveMigrationAction, rejectMigrationAction } from "../migrations/actions";
import { approveAction, rejectAction } from "../releases/actions";

/** How each kind of gate is decided: its server actions and what they take. A new kind adds one entry. */
const DECIDE: Record<GateKind, { label: string; approve: ServerAction; reject: ServerAction }> = {
  release: { label: "Release gate", approve: approveAction, reject: rejectAction },
  migration: { label: "Migration step", approve: approveMigrationAction, reject: rejectMigrationAction },
  flag: { label: "Flag change request", approve: approveFlagChangeAction, reject: rejectFlagChangeAction },
};

function decisionInput(ref: GateRef, comment: string, confirm: string): Record<string, unknown> {
  switch (ref.kind) {
    case "release":
      return { id: ref.id, wave: ref.wave, comment };
    case "migration":
      return { id: ref.id, phase: ref.phase, step: ref.step, comment, confirm };
    case "flag":
      return { id: ref.id, comment };
  }
}

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

function waited(since: string, now: number | null): string {
  if (now === null) return "";
  const m = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
  return m < 1 ? " (under a minute)" : m < 120 ? ` (${m} min)` : ` (${Math.floor(m / 60)} h ${m % 60} min)`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function GateDecision({ gate }: { gate: InboxGate }) {
  const { result, pending, run } = useServerAction();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (result?.ok) void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
  }, [result, queryClient]);
  const act = DECIDE[gate.kind];
  return (
    <div className="mt-3 border-t border-slate-100 pt-3">
      {/* A stale request can no longer apply: it can only be rejected (the requester proposes it again). */}
      <DecisionForm
        label="Decision comment"
        tone="slate"
        className=""
        placeholder="e.g. CAB-1234 approved; customers notified"
        confirmId={gate.confirm}
        pending={pending}
        onApprove={gate.stale ? undefined : (comment, confirm) => run(act.approve, decisionInput(gate.ref, comment, confirm))}
        onReject={(comment) => run(act.reject, decisionInput(gate.ref, comment, ""))}
      />
      <ActionOutcome result={result} />
    </div>
  );
}

function GateCard({ gate, now }: { gate: InboxGate; now: number | null }) {
  const byCell = new Map<string, string[]>();
  for (const c of gate.customers.enterprise) byCell.set(c.cell, [...(byCell.get(c.cell) ?? []), c.name]);
  return (
    <li
      className={`rounded-xl border bg-white p-4 shadow-sm ${gate.decidable ? "border-violet-300" : "border-slate-200"}`}
      data-testid="gate"
      data-kind={gate.kind}
      data-subject={gate.subject.id}
      data-decidable={gate.decidable}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="flex min-w-0 flex-wrap items-center gap-2">
          <span className="rounded bg-violet-100 px-1.5 text-xs font-medium text-violet-800">{DECIDE[gate.kind].label}</span>
          <Link href={gate.subject.href} className="break-all font-medium text-indigo-700 hover:underline">
            {gate.subject.title}
          </Link>
        </span>
        <span className="text-xs text-slate-500">
          waiting since {utc(gate.since)}
          {waited(gate.since, now)}
        </span>
      </div>
      <p className="mt-1 text-sm text-slate-700" data-testid="gate-unblocks">
        Approving unblocks {gate.step} — <b>{gate.change}</b> on {plural(gate.cells.length, "cell")}:{" "}
        <span className="break-words font-mono text-xs">{gate.cells.join(", ")}</span>
      </p>
      {gate.diff && <FlagChangeDiff diff={gate.diff} />}
      {gate.stale && (
        <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="gate-stale">
          {gate.stale}
        </p>
      )}
      {gate.partOf && (
        <p className="mt-1 text-sm text-slate-600">
          Part of {gate.partOf.kind}{" "}
          <Link href={gate.partOf.href} className="font-mono text-indigo-700 hover:underline">
            {gate.partOf.id}
          </Link>{" "}
          ({gate.partOf.step}).
        </p>
      )}
      <p className="mt-1 text-sm text-slate-600" data-testid="gate-customers">
        {plural(gate.customers.total, "customer")} homed in these cells;{" "}
        {gate.customers.enterprise.length > 0 ? (
          <>
            {plural(gate.customers.enterprise.length, "enterprise customer")}:{" "}
            {[...byCell].map(([cell, names], i) => (
              <span key={cell}>
                {i > 0 && "; "}
                <span className="font-mono text-xs">{cell}</span> {names.join(", ")}
              </span>
            ))}
            .
          </>
        ) : (
          "no enterprise customers."
        )}
      </p>
      {gate.irreversible && (
        <p className="mt-2 rounded-md bg-red-100 p-2 text-sm font-semibold text-red-900" data-testid="gate-irreversible">
          Point of no return: {gate.change} on {gate.cells.join(", ")} cannot be undone — no rollback is possible afterwards.
        </p>
      )}
      <p className="mt-1 text-xs text-slate-500" data-testid="gate-four-eyes">
        {gate.excluded ? `Four-eyes excludes ${gate.excluded}.` : "Nobody is excluded by four-eyes yet."}
        {gate.notify ? ` Notifies ${gate.notify}.` : ""}
      </p>
      {gate.decidable ? (
        <GateDecision gate={gate} />
      ) : (
        <p className="mt-2 text-sm font-medium text-slate-700" data-testid="gate-why-not">
          {gate.whyNot}
        </p>
      )}
    </li>
  );
}

export function ApprovalsInbox({ initial }: { initial: Inbox }) {
  const { data, dataUpdatedAt, isError } = useApprovalsInbox(initial);
  const inbox = data ?? initial;
  const now = useNow();
  return (
    <>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600" data-testid="approvals-summary">
          {plural(inbox.waiting, "gate")} waiting, {inbox.yours} of them on you — oldest first.
        </p>
        <UpdatedAgo at={dataUpdatedAt} failed={isError} testId="approvals-updated" />
      </div>
      <ul className="space-y-3" data-testid="approvals-inbox">
        {inbox.gates.map((g) => (
          <GateCard key={g.key} gate={g} now={now} />
        ))}
        {inbox.gates.length === 0 && (
          <li className="rounded-xl border border-slate-200 bg-white p-8 text-center text-sm text-slate-500">No gates are waiting.</li>
        )}
      </ul>
    </>
  );
}
