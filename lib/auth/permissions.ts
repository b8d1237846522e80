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
/** Store or replace a wave pipeline (native or state-machine YAML). */
export const canImportPipeline = (user: Principal | null | undefined) => is(user, "ADMIN", "RELEASE_MANAGER");
