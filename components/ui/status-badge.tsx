// A status as a small coloured label (a route's lifecycle, a release's and a wave's state, a flag
// evaluation's reason): the colour is the status's tone in the caller's table, grey for a status the
// table does not know; the shape is one of a few looks. Server-safe.
import type { ReactNode } from "react";

const LOOKS = {
  /** A rounded pill: a route's or a release's status. */
  pill: "items-center gap-1 rounded-full px-2 text-xs font-medium",
  /** Small capitals on a square tag: a wave's state. */
  caps: "rounded px-1.5 text-[11px] font-semibold uppercase tracking-wide",
  /** A code on a square tag: an evaluation's reason. */
  code: "rounded px-1.5 font-mono text-[11px] font-medium",
} as const;

export function StatusBadge<S extends string>({
  status,
  tones,
  fallback = "bg-slate-100",
  look,
  ringed = false,
  testId,
  title,
  children = status,
}: {
  status: S;
  /** Each status's colours: background and text (and the ring's, when ringed). */
  tones: Readonly<Record<S, string>>;
  /** The colours of a status missing from `tones`. */
  fallback?: string;
  look: keyof typeof LOOKS;
  /** A thin inset ring in the tone's ring colour. */
  ringed?: boolean;
  testId: string;
  title?: string;
  /** What it says: the status itself unless given. */
  children?: ReactNode;
}) {
  return (
    <span
      data-testid={testId}
      data-status={status}
      title={title}
      className={`inline-flex py-0.5 ${LOOKS[look]}${ringed ? " ring-1 ring-inset" : ""} ${tones[status] ?? fallback}`}
    >
      {children}
    </span>
  );
}
