// The trail above a detail page's header: "Releases / r-123", each step but the last a link back up.
import Link from "next/link";
import { Fragment, type ReactNode } from "react";

export interface Crumb {
  href: string;
  label: ReactNode;
  /** An id, set in monospace. */
  mono?: boolean;
}

/** `trail` are the links up; `here` is the page itself (plain text). `aside` floats right of the trail (a live indicator). */
export function Breadcrumbs({ trail, here, aside }: { trail: Crumb[]; here: ReactNode; aside?: ReactNode }) {
  return (
    <>
      {aside && <div className="float-right">{aside}</div>}
      <nav className="mb-2 text-sm text-slate-500">
        {trail.map((c) => (
          <Fragment key={c.href}>
            <Link href={c.href} className={c.mono ? "font-mono hover:underline" : "hover:underline"}>
              {c.label}
            </Link>{" "}
            /{" "}
          </Fragment>
        ))}
        {here}
      </nav>
    </>
  );
}
