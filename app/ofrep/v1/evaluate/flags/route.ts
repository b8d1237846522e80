// OFREP bulk evaluation: POST /ofrep/v1/evaluate/flags with ETag / If-None-Match (see lib/flags/ofrep.ts).
import { handleEvaluateFlags } from "@/lib/flags/ofrep";
import { ofrepDeps } from "@/lib/flags/server/ofrep-deps";

export async function POST(req: Request) {
  return handleEvaluateFlags(req, ofrepDeps());
}
