// The alerting API as OpenAPI operations (see lib/api/openapi.ts).
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { alertmanagerPayloadSchema } from "./alertmanager";

export const alertOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/alerts/alertmanager",
    tag: "Fleet health",
    auth: "alerts:write",
    summary: "Alertmanager's webhook (payload version 4)",
    description:
      "Point an Alertmanager receiver's webhook_config here with `send_resolved: true`. The issue type comes from a label (default `alertname`, as snake_case), cell and service from `cell` and `service` (configurable in Settings → Alerting), severity from `severity`. A firing alert opens or refreshes the alert with its fingerprint; a resolved one resolves it. Alerts without a cell label, or naming an unknown cell or service, are listed under `ignored`.",
    body: alertmanagerPayloadSchema,
    responses: {
      200: {
        description: "Applied",
        schema: z.object({
          opened: z.number(),
          updated: z.number(),
          resolved: z.number(),
          ignored: z.array(z.object({ fingerprint: z.string(), reason: z.string() })),
        }),
      },
    },
  },
];
