import type { ApiOperation } from "@/lib/api/openapi";
import { inboxSchema } from "./gates";

export const approvalOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/approvals",
    tag: "Approvals",
    auth: "session",
    summary: "The signed-in person's approvals inbox: every gate waiting for a decision, oldest first",
    description:
      "Release gates and migration steps alike, each with what it unblocks (cells, enterprise customers), who four-eyes excludes and whether the caller may decide it. `yours` counts those the caller may decide. What /approvals polls.",
    responses: { 200: { description: "The inbox", schema: inboxSchema } },
  },
];
