// Authorisation as named predicates, called by server actions, route handlers and pages alike.
// Hiding a control in the UI is a courtesy; these are the rules.
import type { Principal, Role } from "./roles";

const is = (user: Principal | null | undefined, ...roles: Role[]) => !!user && roles.includes(user.role);

/** Anyone signed in may read the fleet, the audit log and every dashboard. */
export const canView = (user: Principal | null | undefined) => !!user;

export const canImportFleet = (user: Principal | null | undefined) => is(user, "ADMIN");
export const canManageUsers = (user: Principal | null | undefined) => is(user, "ADMIN");
export const canManageTokens = (user: Principal | null | undefined) => is(user, "ADMIN");
export const canEditSettings = (user: Principal | null | undefined) => is(user, "ADMIN");

/** Change routes at the edge: enable, deprecate, sunset, re-enable; import the gateway config. */
export const canChangeRoutes = (user: Principal | null | undefined) => is(user, "RELEASE_MANAGER", "ADMIN");
/** Enable a route past the readiness gate, with a typed reason (audited). */
export const canForceRoute = (user: Principal | null | undefined) => is(user, "ADMIN");
