// The admin setting the resolver substitutes for ${cell_router}: the cell router's base URL.
import { z } from "zod";

/** The cell router's base URL: http(s), a host, no spaces. */
export const CELL_ROUTER_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/;

export const cellRouterSchema = z.object({
  url: z
    .string()
    .trim()
    .regex(CELL_ROUTER_URL, "must be an http(s) URL, e.g. https://cell-router.internal")
    .max(500, "at most 500 characters"),
});

export type CellRouterSetting = z.output<typeof cellRouterSchema>;

/** Stored like every admin setting (lib/settings/store.ts): a JSON row with an optimistic version. */
export const CELL_ROUTER_SETTING = {
  key: "gateway.cellRouter",
  schema: cellRouterSchema as z.ZodType<CellRouterSetting>,
  defaults: { url: "https://cell-router.internal" } as CellRouterSetting,
};
