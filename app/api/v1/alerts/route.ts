import { NextResponse } from "next/server";
import { apiError, readJson, withApi } from "@/lib/api/server/http";
import { db } from "@/lib/db";
import { alertBatchSchema } from "@/lib/health/alert-input";
import { applyExternalAlerts, UnknownAlertTargetError } from "@/lib/health/server/alerts-store";

export const POST = withApi({ scope: "alerts:write" }, async (req) => {
  const body = await readJson(req, alertBatchSchema, 512_000);
  try {
    const result = await applyExternalAlerts(db(), Array.isArray(body) ? body : [body], new Date());
    return NextResponse.json(result);
  } catch (e) {
    if (e instanceof UnknownAlertTargetError) {
      return apiError(422, "UNKNOWN_TARGETS", "unknown cells or services; nothing was stored", { cells: e.cells, services: e.services });
    }
    throw e;
  }
});
