// Routes and capability reports for the gateway's unit tests (not a test file itself).
import type { Route, StoredRoute } from "./model";

export const T0 = new Date("2026-11-26T10:00:00Z");
export const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

export function stored(r: Partial<StoredRoute> & Pick<Route, "path">): StoredRoute {
  const m = /^\/(v\d+)\/(\w+)/.exec(r.path)!;
  const service = r.service ?? (m[2] === "Calls" ? "voice" : "sms");
  const version = r.version ?? m[1]!;
  return {
    method: "POST",
    resource: m[2]!,
    service,
    version,
    backend: `\${cell_router}/${service}/${version}/${m[2]!.toLowerCase()}`,
    status: "active",
    introduced: null,
    deprecationDate: null,
    sunsetDate: null,
    documentation: null,
    aliasOf: null,
    position: 0,
    revision: 1,
    enabledAt: null,
    deprecatedAt: null,
    retiredAt: null,
    createdAt: T0,
    updatedAt: T0,
    updatedBy: "test",
    ...r,
  };
}
