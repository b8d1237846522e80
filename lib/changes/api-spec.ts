// GET /api/v1/changes, described for the OpenAPI document (lib/api/operations.ts).
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { CHANGE_KINDS, type Change, changeQuerySchema } from "./model";

export const changeSchema = z.object({
  id: z.string(),
  at: z.string().describe("when it happened (ISO 8601, UTC)"),
  kind: z.enum(CHANGE_KINDS),
  cells: z.array(z.string()).describe("the cell it affects; empty when it affects every cell (see fleetWide)"),
  fleetWide: z.boolean().describe("true for a change to every cell: a route at the edge, a freeze, a setting"),
  services: z.array(z.string()).describe("the services it affects; empty: every service of its cells"),
  summary: z.string(),
  actor: z.string().describe("a person's email, token:<name>, system:ticker, system:clock, cell:<id> or migration:<id>"),
  link: z.string().nullable().describe("its release, flag, route, migration or audit events, as a path of this app"),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  source: z.string().describe("the record it was derived from; rows of one change (a deploy to a wave) share it"),
});

export const changePageSchema = z.object({
  changes: z.array(changeSchema),
  nextCursor: z.string().nullable().describe("pass as `cursor` for the next (older) page; null on the last page"),
});

export const toChangeView = (c: Change): z.input<typeof changeSchema> => ({
  id: c.id,
  at: c.at.toISOString(),
  kind: c.kind,
  cells: c.cell ? [c.cell] : [],
  fleetWide: c.cell === null,
  services: c.services,
  summary: c.summary,
  actor: c.actor,
  link: c.link,
  before: c.before ?? undefined,
  after: c.after ?? undefined,
  source: c.source,
});

export const changeOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/changes",
    summary: "The change log: every change that can affect a cell, newest first",
    description:
      "Versions deployed, rolled back and observed; flag changes with the percentage in force per cell (scheduled steps included); routes at the edge; migration phases per cell; freezes and maintenance windows; registry edits; settings; alert acknowledgements. Paginated by `cursor` (keyset, newest first). A change to every cell (fleetWide) matches every cell filter.",
    tag: "Changes",
    auth: "fleet:read",
    query: changeQuerySchema,
    responses: { 200: { description: "A page of changes", schema: changePageSchema } },
  },
];
