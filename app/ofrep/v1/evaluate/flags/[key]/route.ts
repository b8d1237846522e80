// OFREP single-flag evaluation: POST /ofrep/v1/evaluate/flags/{key} (see lib/flags/ofrep.ts).
import { handleEvaluateFlag } from "@/lib/flags/ofrep";
import { ofrepDeps } from "@/lib/flags/server/ofrep-deps";
import { timedOfrep } from "@/lib/metrics/server/timed";

export async function POST(req: Request, ctx: { params: Promise<{ key: string }> }) {
  const { key } = await ctx.params;
  return timedOfrep("single", () => handleEvaluateFlag(req, key, ofrepDeps()));
}
