// POST /api/v1/alerts/alertmanager: Alertmanager's webhook (payload version 4). Point a receiver's
// webhook_config at it with a bearer token of scope alerts:write; `send_resolved: true` resolves.
import { NextResponse } from "next/server";
import { assertCells, readJson, withApi } from "@/lib/api/server/http";
import { writeAs } from "@/lib/api/server/writes";
import { alertmanagerPayloadSchema, mapAlertmanagerAlerts } from "@/lib/alerts/alertmanager";
import { alertLabelMapping } from "@/lib/alerts/server/queries";
import { storeAlertmanagerAlerts } from "@/lib/alerts/server/store";

export const POST = withApi({ scope: "alerts:write" }, async (req, { caller }) => {
  const body = await readJson(req, alertmanagerPayloadSchema, 2_000_000);
  const labels = await alertLabelMapping();
  // A cell-bound token speaks only for its cells: every alert naming another cell refuses the batch.
  assertCells(
    caller,
    mapAlertmanagerAlerts(body, labels).flatMap((m) => (m.ok ? [m.alert.cell] : [])),
  );
  const result = await writeAs(caller, (tx) => storeAlertmanagerAlerts(tx, body, labels, new Date()));
  return NextResponse.json(result);
});
