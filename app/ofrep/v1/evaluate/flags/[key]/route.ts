// OFREP single-flag evaluation: POST /ofrep/v1/evaluate/flags/{key} (see lib/flags/ofrep.ts).
import { handleEvaluateFlag } from "@/lib/flags/ofrep";
import { ofrepDeps } from "@/lib/flags/server/ofrep-deps";

export async function POST(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return handleEvaluateFlag(req, (await ctx.params).key, ofrepDeps());
}
