import { NextResponse } from "next/server";
import { apiError, assertCells, readJson, withApi } from "@/lib/api/server/http";
import { writeAs } from "@/lib/api/server/writes";
import { alertBatchSchema } from "@/lib/health/alert-input";
import { storeExternalAlerts, UnknownAlertTargetError } from "@/lib/health/server/alerts-store";

export const POST = withApi({ scope: "alerts:write" }, async (req, { caller }) => {
  const alerts = await readJson(req, alertBatchSchema, 512_000);
  assertCells(
    caller,
    alerts.map((a) => a.cell),
  );
  try {
    const result = await writeAs(caller, (tx) => storeExternalAlerts(tx, alerts, new Date()));
    return NextResponse.json(result);
  } catch (e) {
    if (e instanceof UnknownAlertTargetError) {
      return apiError(422, "UNKNOWN_TARGETS", "unknown cells or services; nothing was stored", { cells: e.cells, services: e.services });
    }
    throw e;
  }
});
