// Authorisation as named predicates, called by server actions, route handlers and pages alike.
// Hiding a control in the UI is a courtesy; these are the rules.
import { decidesGates, FLAG_CHANGE, gateVerdict, MIGRATION_STEP, RELEASE_GATE } from "@/lib/approvals/four-eyes";
import type { Principal, Role } from "./roles";

const is = (user: Principal | null | undefined, ...roles: Role[]) => !!user && roles.includes(user.role);

/** Anyone signed in may read the fleet, the audit log and every dashboard. */
export const canView = (user: Principal | null | undefined) => !!user;

export const canImportFleet = (user: Principal | null | undefined) => is(user, "ADMIN");
export const canManageUsers = (user: Principal | null | undefined) => is(user, "ADMIN");
export const canManageTokens = (user: Principal | null | undefined) => is(user, "ADMIN");
export const canEditSettings = (user: Principal | null | undefined) => is(user, "ADMIN");

// ---- Fleet health ----
/** On call: acknowledge the firing alerts of an issue type. */
export const canAcknowledgeAlerts = (user: Principal | null | undefined) => is(user, "SRE", "ADMIN");
/** On call: silence alerts (matchers, a time span, a reason) and end silences early. */
export const canManageSilences = (user: Principal | null | undefined) => is(user, "SRE", "ADMIN");

// ---- Rollouts ----
export const canStartRelease = (user: Principal | null | undefined) => is(user, "RELEASE_MANAGER", "ADMIN");
/** Four-eyes: a release manager or admin other than the one who started the release (lib/approvals). */
export const canApprove = (user: Principal | null | undefined, release: { startedBy: string }) =>
  gateVerdict(user, { requestedBy: release.startedBy }, RELEASE_GATE).ok;
export const canPauseRelease = (user: Principal | null | undefined) => is(user, "SRE", "RELEASE_MANAGER", "ADMIN");
export const canRollbackRelease = (user: Principal | null | undefined) => is(user, "SRE", "RELEASE_MANAGER", "ADMIN");
export const canAbortRelease = (user: Principal | null | undefined) => is(user, "RELEASE_MANAGER", "ADMIN");
export const canAdvanceRelease = (user: Principal | null | undefined) => is(user, "RELEASE_MANAGER", "ADMIN");
export const canManageFreezes = (user: Principal | null | undefined) => is(user, "ADMIN");
/** May decide gates at all — release gates and migration steps (whether a given one: see canApprove). */
export const canDecideGates = (user: Principal | null | undefined) => decidesGates(user);

// ---- Feature flags ----
/** Feature flags: product owners (and admins) change them; everyone signed in reads them. */
export const canEditFlag = (user: Principal | null | undefined) => is(user, "PRODUCT_OWNER", "ADMIN");
/** May decide protected flags' change requests at all: product owners and admins (whether a given one: see canApproveFlagChange). */
export const canDecideFlagChanges = (user: Principal | null | undefined) => decidesGates(user, FLAG_CHANGE);
/** Four-eyes: a product owner or admin other than the one who requested the change (lib/approvals). */
export const canApproveFlagChange = (user: Principal | null | undefined, request: { requestedBy: string }) =>
  gateVerdict(user, request, FLAG_CHANGE).ok;
/** Store or replace a wave pipeline (native or state-machine YAML). */
export const canImportPipeline = (user: Principal | null | undefined) => is(user, "ADMIN", "RELEASE_MANAGER");
/** Change routes at the edge: enable, deprecate, sunset, re-enable; import the gateway config. */
export const canChangeRoutes = (user: Principal | null | undefined) => is(user, "RELEASE_MANAGER", "ADMIN");
/** Enable a route past the readiness gate, with a typed reason (audited). */
export const canForceRoute = (user: Principal | null | undefined) => is(user, "ADMIN");

// ---- Schema migrations ----
/** Import and start migrations, roll them back, retry failed cells. */
export const canRunMigrations = (user: Principal | null | undefined) => is(user, "RELEASE_MANAGER", "ADMIN");
/** Four-eyes: a release manager or admin other than the one who started the migration (lib/approvals). */
export const canApproveMigration = (user: Principal | null | undefined, run: { startedBy: string | null }) =>
  gateVerdict(user, { requestedBy: run.startedBy }, MIGRATION_STEP).ok;
/** SREs may stop a backfill or roll back (never past the point of no return: the rules decide). */
export const canRollbackMigration = (user: Principal | null | undefined) => is(user, "SRE", "RELEASE_MANAGER", "ADMIN");
