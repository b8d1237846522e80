"use server";
// Every route change goes through the one door: session → named permission → zod → the store's
// change (lock, decide, update, bump the config version) and its audit events in one transaction.
// Refusals come back typed.
import { z } from "zod";
import { defineAction, type Revalidation } from "@/lib/auth/server/action";
import { seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import type { Principal } from "@/lib/auth/roles";
import type { Tx } from "@/lib/db/client";
import { canChangeRoutes, canEditSettings, canForceRoute } from "@/lib/auth/permissions";
import { serviceCatalogue } from "@/lib/fleet/server/store";
import { yamlImportFields } from "@/lib/imports/input";
import { parseGatewayYaml } from "@/lib/gateway/config-yaml";
import { parseDay } from "@/lib/gateway/headers";
import { MIN_FORCE_REASON, type LifecycleAction } from "@/lib/gateway/lifecycle";
import { DOCUMENTATION_URL, parseRouteKey, type TableDiff } from "@/lib/gateway/model";
import { CELL_ROUTER_SETTING, CELL_ROUTER_URL } from "@/lib/gateway/settings";
import { applyGatewayImport, changeRouteLifecycle, previewGatewayImport, type ImportPreview } from "@/lib/gateway/server/store";
import { writeSetting } from "@/lib/settings/server/store";
import type { SpecError } from "@/lib/yaml-errors";

const routeRef = {
  route: z.string().refine((k) => parseRouteKey(k) !== null, "a route such as POST /v2/Calls"),
  revision: z.coerce.number().int().min(1),
  /** The blast radius warnings the controls showed (checked again and recorded). */
  seenWarnings: seenWarningsField,
};

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-12-01")
  .transform((s, ctx) => {
    const d = parseDay(s);
    if (!d) {
      ctx.addIssue({ code: "custom", message: "not a real date" });
      return z.NEVER;
    }
    return d;
  });
const optionalDay = z
  .union([z.literal("").transform(() => null), day])
  .optional()
  .transform((v) => v ?? null);
const optionalUrl = z
  .union([z.literal("").transform(() => null), z.string().trim().regex(DOCUMENTATION_URL, "an http(s) URL").max(500)])
  .optional()
  .transform((v) => v ?? null);

/** One lifecycle change of one route: the store decides, updates, bumps the config version and returns its audit event. */
async function change(tx: Tx, user: Principal, key: string, revision: number, action: LifecycleAction, seen?: string[]) {
  const now = new Date();
  const shown = await confirmBlastRadius(tx, { kind: "route", route: key, action: action.kind }, seen, now);
  const { data: r, audit } = await changeRouteLifecycle(tx, { key, action, expectedRevision: revision }, user.email, now);
  return { data: { route: key, status: r.route.status, version: r.version }, audit: [...audit, ...shown] };
}

const gatewayPages: Revalidation[] = [{ layout: "/gateway" }];

/** A lifecycle change that takes nothing but the route (enable, re-enable), for release managers and admins. */
function routeOnlyAction(name: string, kind: "enable" | "reenable") {
  return defineAction({
    name,
    permission: canChangeRoutes,
    input: z.object(routeRef),
    run: ({ tx, user, input }) => change(tx, user, input.route, input.revision, { kind }, input.seenWarnings),
    revalidate: gatewayPages,
  });
}

export const enableRouteAction = routeOnlyAction("enable routes", "enable");

export const forceEnableRouteAction = defineAction({
  name: "force a route past the readiness gate",
  permission: canForceRoute,
  input: z.object({
    ...routeRef,
    reason: z
      .string()
      .trim()
      .min(MIN_FORCE_REASON, `at least ${MIN_FORCE_REASON} characters: why enable before every cell is ready`)
      .max(500),
  }),
  run: ({ tx, user, input }) =>
    change(tx, user, input.route, input.revision, { kind: "enable", force: { reason: input.reason } }, input.seenWarnings),
  revalidate: gatewayPages,
});

export const deprecateRouteAction = defineAction({
  name: "deprecate routes",
  permission: canChangeRoutes,
  input: z.object({ ...routeRef, deprecationDate: day, sunsetDate: optionalDay, documentation: optionalUrl }),
  run: ({ tx, user, input }) =>
    change(
      tx,
      user,
      input.route,
      input.revision,
      {
        kind: "deprecate",
        deprecationDate: input.deprecationDate,
        sunsetDate: input.sunsetDate,
        documentation: input.documentation,
      },
      input.seenWarnings,
    ),
  revalidate: gatewayPages,
});

export const sunsetRouteAction = defineAction({
  name: "sunset routes",
  permission: canChangeRoutes,
  input: z.object({ ...routeRef, confirmation: z.string().max(300) }),
  run: ({ tx, user, input }) =>
    change(tx, user, input.route, input.revision, { kind: "sunset", confirmation: input.confirmation }, input.seenWarnings),
  revalidate: gatewayPages,
});

export const reenableRouteAction = routeOnlyAction("re-enable routes", "reenable");

export interface ImportOutcome {
  applied: boolean;
  diff: TableDiff;
  warnings: SpecError[];
  routes: number;
  version: number | null;
  gated: ImportPreview["gated"];
}

export const importGatewayAction = defineAction({
  name: "import the gateway config",
  permission: canChangeRoutes,
  input: z.object(yamlImportFields("a gateway config file")),
  timeoutMs: 30_000,
  async run({ tx, input, user }) {
    const now = new Date();
    const parsed = parseGatewayYaml(input.yaml, await serviceCatalogue(tx), now);
    if (input.mode === "preview") {
      const p = await previewGatewayImport(tx, parsed, now);
      const data: ImportOutcome = {
        applied: false,
        diff: p.diff,
        warnings: p.warnings,
        routes: parsed.routes.length,
        version: null,
        gated: p.gated,
      };
      return { data, audit: [] };
    }
    // One audit event per changed route and one for the import.
    const { data: r, audit } = await applyGatewayImport(tx, parsed, user.email, "ui upload", now);
    const data: ImportOutcome = { applied: true, diff: r.diff, warnings: r.warnings, routes: r.routes, version: r.version, gated: [] };
    return { data, audit };
  },
  revalidate: (r) => (r.applied ? gatewayPages : []),
});

export const saveCellRouterAction = defineAction({
  name: "change the cell router URL",
  permission: canEditSettings,
  input: z.object({
    url: z.string().trim().regex(CELL_ROUTER_URL, "an http(s) URL, e.g. https://cell-router.internal").max(500),
    version: z.coerce.number().int().min(0),
  }),
  run: ({ tx, input, user }) => writeSetting(tx, CELL_ROUTER_SETTING, { url: input.url }, input.version, user.email),
  revalidate: gatewayPages,
});
