import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/server/http";
import { flagsOverview } from "@/lib/flags/server/queries";

export const GET = withApi({ scope: "flags:read", allowSession: true }, async () => {
  const rows = await flagsOverview(new Date());
  return NextResponse.json({
    flags: rows.map(({ flag, effective, next }) => ({
      key: flag.key,
      description: flag.description,
      owner: flag.owner,
      enabled: flag.enabled,
      effectivePercentage: effective.percentage,
      percentageSource: effective.source.kind,
      hold: flag.hold ? { at: flag.hold.at.toISOString(), percentage: flag.hold.percentage, reason: flag.holdReason } : null,
      requires: flag.requires,
      nextStep: next ? { at: next.at.toISOString(), percentage: next.percentage } : null,
      allowlist: flag.allowlist,
      targeting: flag.targeting,
      schedule: flag.schedule.map((s) => ({ at: s.at.toISOString(), percentage: s.percentage })),
      version: flag.version,
      updatedAt: flag.updatedAt.toISOString(),
    })),
  });
});
