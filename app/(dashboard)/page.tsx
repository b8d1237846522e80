import type { Metadata } from "next";
import { Suspense } from "react";
import { ApprovalsBanner } from "@/components/approvals/approvals-badge";
import { FleetOverview } from "@/components/health/fleet-overview";
import { PageHeader } from "@/components/page-header";
import { ActiveReleases } from "@/components/rollouts/active-releases";
import { approvalCounts } from "@/lib/approvals/server/queries";
import { requireUser } from "@/lib/auth/server/session";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";

export const metadata: Metadata = { title: "Fleet health" };

export default async function HomePage() {
  const user = await requireUser();
  const [t, approvals] = await Promise.all([currentThresholds(), approvalCounts(user)]);
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
      <FleetOverview thresholds={t} />
    </>
  );
}
