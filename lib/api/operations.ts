// Every documented v1 operation, gathered from the domains.
import { changeOperations } from "@/lib/changes/api-spec";
import { flagOperations } from "@/lib/flags/api-spec";
import { gatewayOperations } from "@/lib/gateway/api-spec";
import { healthOperations } from "@/lib/health/api-spec";
import { rolloutOperations } from "@/lib/rollouts/api-spec";
import { migrationOperations } from "@/lib/schema-migrations/api-spec";
import type { ApiOperation } from "./openapi";

export const operations: ApiOperation[] = [
  ...healthOperations,
  ...rolloutOperations,
  ...flagOperations,
  ...gatewayOperations,
  ...migrationOperations,
  ...changeOperations,
];
