// The schema-migrations part of the v1 API, for the OpenAPI document.
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { assignmentView, progressSchema } from "./agent-api";

export const migrationOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/cells/{cell}/assignments",
    tag: "Schema migrations",
    auth: "migrations:agent",
    summary: "The migration work a cell should run now (agent mode)",
    description:
      'For cells whose database Cellplane cannot reach: one assignment per migration and phase the cell is running now (each cell advances on its own). Cells in direct mode get mode "direct" and no assignments. Backfills walk the primary key in batches of checkpointInterval rows, passing $1 (exclusive) and $2 (inclusive) bounds, at most maxRowsPerSecond rows per second when set, and hold off while paused is set (the cell is red in Fleet health).',
    responses: {
      200: {
        description: "Assignments",
        schema: z.object({ cell: z.string(), mode: z.enum(["agent", "direct"]), assignments: z.array(assignmentView) }),
      },
      404: { description: "Unknown cell" },
    },
  },
  {
    method: "post",
    path: "/api/v1/migrations/{id}/cells/{cell}/progress",
    tag: "Schema migrations",
    auth: "migrations:agent",
    summary: "Report a cell's progress in a migration phase",
    description:
      "status running (progress), complete or failed. Accepted only for a cell in agent mode and only for the phase it was assigned: a direct-mode cell, a deployment phase (its release decides) or a phase the cell is not running gets 409 with the reason. Send an increasing seq: a report with seq ≤ the last one is stale (409); rows below those already reported are out of order (409). A backfill reporting complete sends rows and total (400 otherwise): it is verified — and the cell's later phases may start — only when rows == total. A token bound to other cells gets 403. A refused report changes nothing.",
    body: progressSchema,
    responses: {
      200: { description: "Recorded", schema: z.object({ cell: z.string(), phase: z.string(), status: z.string() }) },
      400: { description: "Invalid body or unknown phase" },
      404: { description: "Unknown migration or cell" },
      403: { description: "A token bound to other cells" },
      409: { description: "A direct-mode cell, a deployment phase, not the cell's assigned phase, stale or out of order" },
    },
  },
];
