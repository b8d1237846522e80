import type { Metadata } from "next";
import Link from "next/link";
import { PrimaryLink } from "@/components/forms/button";
import { Tag, TierBadge } from "@/components/badges";
import { PageHeader } from "@/components/page-header";
import { canEditFlag } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { formatMonthDayTime, formatRelative, plural } from "@/lib/format";
import { hasTargeting } from "@/lib/flags/model";
import { flagsOverview } from "@/lib/flags/server/queries";
import { FlagState, PercentBar } from "./_components/flag-badges";
import { DataTable } from "@/components/data-table";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";

export const metadata: Metadata = { title: "Flags" };

export default async function FlagsPage() {
  const user = await requireUser();
  const now = new Date();
  const live = await liveStamp("flags", null, now);
  const rows = await flagsOverview(now);
  const on = rows.filter((r) => r.flag.enabled).length;
  return (
    <>
      <PageHeader
        title="Feature flags"
        subtitle={`${plural(rows.length, "flag")} · ${on} on · code ships everywhere switched off; flags activate it customer by customer`}
        actions={
          <>
            <LiveView initial={live} />
            {canEditFlag(user) && <PrimaryLink href="/flags/new">New flag</PrimaryLink>}
          </>
        }
      />
      <DataTable
        testId="flags-table"
        columns={["Flag", "State", "Rollout now", "Next scheduled step", "Audience", "Owner"]}
        empty={
          rows.length === 0 && (
            <>
              No flags yet. Create one, or import a flags file with <code className="font-mono">npx cellplane import flags FILE</code>.
            </>
          )
        }
      >
        {rows.map(({ flag, effective, next }) => (
          <tr key={flag.key} className="align-top hover:bg-slate-50" data-testid="flag-row" data-flag={flag.key}>
            <td className="max-w-md px-4 py-3">
              <Link href={`/flags/${flag.key}`} className="font-mono font-medium text-indigo-700 hover:underline">
                {flag.key}
              </Link>
              {flag.description && <p className="mt-0.5 line-clamp-2 text-xs text-slate-500">{flag.description}</p>}
            </td>
            <td className="px-4 py-3">
              <FlagState enabled={flag.enabled} />
            </td>
            <td className="whitespace-nowrap px-4 py-3" data-testid="flag-effective">
              <div className="flex items-center gap-2">
                <PercentBar value={effective.percentage} muted={!flag.enabled} />
                <span className={`tabular-nums font-medium ${flag.enabled ? "" : "text-slate-500 line-through"}`}>
                  {effective.percentage}%
                </span>
              </div>
              <div className="mt-0.5 text-[11px] text-slate-500">
                {effective.source.kind === "schedule" ? "by schedule" : "set by hand"}
              </div>
            </td>
            <td className="whitespace-nowrap px-4 py-3" data-testid="flag-next-step">
              {next ? (
                <>
                  <div>
                    <span className="font-medium tabular-nums">{next.percentage}%</span>{" "}
                    <span className="text-slate-500">{formatRelative(next.at, now)}</span>
                  </div>
                  <div className="text-[11px] text-slate-500">{formatMonthDayTime(next.at)}</div>
                </>
              ) : (
                <span className="text-slate-500">—</span>
              )}
            </td>
            <td className="px-4 py-3">
              <div className="flex flex-wrap gap-1">
                {flag.allowlist.length > 0 && <Tag>{flag.allowlist.length} allowlisted</Tag>}
                {flag.targeting.tiers.map((t) => (
                  <TierBadge key={t} tier={t} />
                ))}
                {flag.targeting.regions.map((r) => (
                  <Tag key={r}>{r}</Tag>
                ))}
                {flag.targeting.cells.map((c) => (
                  <Tag key={c}>{c}</Tag>
                ))}
                {!hasTargeting(flag.targeting) && flag.allowlist.length === 0 && (
                  <span className="text-xs text-slate-500">all customers</span>
                )}
              </div>
            </td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-600">{flag.owner || <span className="text-slate-500">—</span>}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
