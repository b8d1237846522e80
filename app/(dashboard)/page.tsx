import type { Metadata } from "next";
import { Suspense } from "react";
import { ApprovalsBanner } from "@/components/approvals/approvals-badge";
import { FleetOverview } from "@/components/health/fleet-overview";
import { PageHeader } from "@/components/page-header";
import { ActiveReleases } from "@/components/rollouts/active-releases";
import { approvalCounts } from "@/lib/approvals/server/queries";
import { requireUser } from "@/lib/auth/server/session";
import { pool } from "@/lib/health/server/queries";
import { currentLiteFeed } from "@/lib/health/server/feed";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";

export const metadata: Metadata = { title: "Fleet health" };

/**
 * The fleet's current state is part of the page's own response: the heatmap is rendered on the
 * server with the compact feed — its lite form, statuses and versions, which is what the tiles
 * paint — and that becomes the live query's first data in the browser, whose first poll brings the
 * values, times and reasons. It travels as one JSON string (parsed natively in the browser) rather
 * than as thousands of nested arrays in the RSC payload. It is deliberately not a Suspense boundary of its own: React reveals
 * streamed boundaries at most every 300 ms, so a boundary more before the tiles is a wait more.
 */
export default async function HomePage() {
  const user = await requireUser();
  const [t, approvals] = await Promise.all([currentThresholds(), approvalCounts(user)]);
  const liteJson = await currentLiteFeed(pool(), t, new Date());
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  return (
    <>
      <PageHeader
        title="Fleet health"
        subtitle={`Every cell × service, live. Red: error rate ≥ ${pct(t.red.errorRate)}, p99 ≥ ${t.red.p99Ms} ms or silent ${t.red.silenceMs / 60_000} min; yellow: error rate ≥ ${pct(t.yellow.errorRate)}, p99 ≥ ${t.yellow.p99Ms} ms or CPU ≥ ${pct(t.yellow.cpu)}.`}
      />
      <ApprovalsBanner initial={approvals} />
      <Suspense fallback={null}>
        <ActiveReleases />
      </Suspense>
      <FleetOverview initial={liteJson} thresholds={t} />
    </>
  );
}
