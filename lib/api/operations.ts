// Every documented v1 operation, gathered from the domains.
import { flagOperations } from "@/lib/flags/api-spec";
import type { ApiOperation } from "./openapi";

export const operations: ApiOperation[] = [...flagOperations];
