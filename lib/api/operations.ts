// Every documented v1 operation, gathered from the domains.
import { gatewayOperations } from "@/lib/gateway/api-spec";
import { healthOperations } from "@/lib/health/api-spec";
import type { ApiOperation } from "./openapi";

export const operations: ApiOperation[] = [...healthOperations, ...gatewayOperations];
