// OFREP bulk evaluation: POST /ofrep/v1/evaluate/flags with ETag / If-None-Match (see lib/flags/ofrep.ts).
import { handleEvaluateFlags } from "@/lib/flags/ofrep";
import { ofrepDeps } from "@/lib/flags/server/ofrep-deps";
import { timedOfrep } from "@/lib/metrics/server/timed";

export async function POST(req: Request) {
  return timedOfrep("bulk", () => handleEvaluateFlags(req, ofrepDeps()));
}
