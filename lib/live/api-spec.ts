import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { LIVE_VIEWS } from "./views";

export const liveStampSchema = z.object({
  view: z.enum(LIVE_VIEWS),
  id: z.string().nullable(),
  stamp: z.string(),
  at: z.string(),
});

export const liveOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/live/{view}",
    tag: "Console",
    auth: "session",
    summary: "The fingerprint of a live view of the console, polled by open pages",
    description: `Views: ${LIVE_VIEWS.join(", ")}. \`release\`, \`migration\` and \`flag\` need \`?id=\`. A page re-renders when the stamp differs from the one it was rendered with.`,
    query: z.object({ id: z.string().max(200).optional() }),
    responses: { 200: { description: "The stamp", schema: liveStampSchema }, 404: { description: "No such view" } },
  },
];
