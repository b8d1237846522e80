// Every documented v1 operation, gathered from the domains.
import type { ApiOperation } from "./openapi";

export const operations: ApiOperation[] = [];
