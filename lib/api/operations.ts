// Every documented v1 operation, gathered from the domains.
import { alertOperations } from "@/lib/alerts/api-spec";
import { approvalOperations } from "@/lib/approvals/api-spec";
import { changeOperations } from "@/lib/changes/api-spec";
import { flagOperations } from "@/lib/flags/api-spec";
import { gatewayOperations } from "@/lib/gateway/api-spec";
import { healthOperations } from "@/lib/health/api-spec";
import { liveOperations } from "@/lib/live/api-spec";
import { rolloutOperations } from "@/lib/rollouts/api-spec";
import { migrationOperations } from "@/lib/schema-migrations/api-spec";
import type { ApiOperation } from "./openapi";

export const operations: ApiOperation[] = [
  ...healthOperations,
  ...alertOperations,
  ...rolloutOperations,
  ...flagOperations,
  ...gatewayOperations,
  ...migrationOperations,
  ...approvalOperations,
  ...liveOperations,
  ...changeOperations,
];
