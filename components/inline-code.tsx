import { Fragment } from "react";

/** Text whose `backticked` spans are code (runbook steps): shown as code, without the backticks. */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split(/`([^`\n]+)`/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <code key={i} className="break-all rounded bg-slate-100 px-1 font-mono text-[11px] text-slate-800">
            {p}
          </code>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}
