// What a destructive step touches, said before the click: the cells, the customers homed in them and
// which of those are enterprise customers, and the text a person types to confirm. Pure: the
// customers are passed in (lib/fleet/server/queries.ts `consequencesFor`).

export interface HomedCustomer {
  id: string;
  name: string;
  plan: string;
  cell: string;
  /** The tier of the customer's home cell. */
  tier: string;
}

export interface Consequences {
  cells: string[];
  /** Every customer homed in those cells. */
  customers: number;
  /** Enterprise customers among them: an enterprise plan, or homed in an enterprise cell. */
  enterprise: { id: string; name: string; cell: string }[];
}

export const isEnterpriseCustomer = (c: Pick<HomedCustomer, "plan" | "tier">) => c.plan === "enterprise" || c.tier === "enterprise";

/** The consequences of touching `cells`, given the customers homed there (others are ignored). */
export function consequences(cells: readonly string[], homed: readonly HomedCustomer[]): Consequences {
  const set = new Set(cells);
  const mine = homed.filter((c) => set.has(c.cell));
  return {
    cells: [...cells],
    customers: mine.length,
    enterprise: mine.filter(isEnterpriseCustomer).map((c) => ({ id: c.id, name: c.name, cell: c.cell })),
  };
}

/** Whether what a person typed is the confirmation asked for (surrounding spaces do not count). */
export const confirms = (typed: string | null | undefined, phrase: string) => (typed ?? "").trim() === phrase;

/** The phrase that confirms retiring cells in a fleet import: "retire 15 cells". */
export const retirePhrase = (n: number) => `retire ${n} ${n === 1 ? "cell" : "cells"}`;
