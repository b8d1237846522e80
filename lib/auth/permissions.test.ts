// The rules, written out: every role × every named predicate, the expected answer as a table.
// The four-eyes predicates are asked twice: about something the user started, and something
// someone else started.
import { describe, expect, it } from "vitest";
import * as permissions from "./permissions";
import { type Principal, ROLES, type Role } from "./roles";

const user = (role: Role): Principal => ({ id: `id-${role}`, email: `${role.toLowerCase()}@example.com`, name: role, role });
const mine = (role: Role) => ({ startedBy: user(role).email });
const someoneElses = { startedBy: "someone-else@example.com" };

type Ask = (u: Principal) => boolean;
const p = permissions;

//                                                 VIEWER SRE    RM     PO     ADMIN
const TABLE: [string, Ask, [boolean, boolean, boolean, boolean, boolean]][] = [
  ["canView", p.canView, [true, true, true, true, true]],
  ["canImportFleet", p.canImportFleet, [false, false, false, false, true]],
  ["canManageUsers", p.canManageUsers, [false, false, false, false, true]],
  ["canManageTokens", p.canManageTokens, [false, false, false, false, true]],
  ["canEditSettings", p.canEditSettings, [false, false, false, false, true]],
  ["canAcknowledgeAlerts", p.canAcknowledgeAlerts, [false, true, false, false, true]],
  ["canManageSilences", p.canManageSilences, [false, true, false, false, true]],
  ["canStartRelease", p.canStartRelease, [false, false, true, false, true]],
  ["canApprove (a release I started)", (u) => p.canApprove(u, mine(u.role)), [false, false, false, false, false]],
  ["canApprove (someone else's release)", (u) => p.canApprove(u, someoneElses), [false, false, true, false, true]],
  ["canPauseRelease", p.canPauseRelease, [false, true, true, false, true]],
  ["canRollbackRelease", p.canRollbackRelease, [false, true, true, false, true]],
  ["canAbortRelease", p.canAbortRelease, [false, false, true, false, true]],
  ["canAdvanceRelease", p.canAdvanceRelease, [false, false, true, false, true]],
  ["canManageFreezes", p.canManageFreezes, [false, false, false, false, true]],
  ["canDecideGates", p.canDecideGates, [false, false, true, false, true]],
  ["canEditFlag", p.canEditFlag, [false, false, false, true, true]],
  ["canDecideFlagChanges", p.canDecideFlagChanges, [false, false, false, true, true]],
  [
    "canApproveFlagChange (a change I requested)",
    (u) => p.canApproveFlagChange(u, { requestedBy: u.email }),
    [false, false, false, false, false],
  ],
  [
    "canApproveFlagChange (someone else's change)",
    (u) => p.canApproveFlagChange(u, { requestedBy: "someone-else@example.com" }),
    [false, false, false, true, true],
  ],
  ["canImportPipeline", p.canImportPipeline, [false, false, true, false, true]],
  ["canChangeRoutes", p.canChangeRoutes, [false, false, true, false, true]],
  ["canForceRoute", p.canForceRoute, [false, false, false, false, true]],
  ["canRunMigrations", p.canRunMigrations, [false, false, true, false, true]],
  ["canApproveMigration (a migration I started)", (u) => p.canApproveMigration(u, mine(u.role)), [false, false, false, false, false]],
  ["canApproveMigration (someone else's migration)", (u) => p.canApproveMigration(u, someoneElses), [false, false, true, false, true]],
  [
    "canApproveMigration (a migration not started yet)",
    (u) => p.canApproveMigration(u, { startedBy: null }),
    [false, false, true, false, true],
  ],
  ["canRollbackMigration", p.canRollbackMigration, [false, true, true, false, true]],
];

describe("permissions: every role × every predicate", () => {
  it("the table names every predicate the module exports (24)", () => {
    const exported = Object.keys(permissions).sort();
    expect(exported).toHaveLength(24);
    expect([...new Set(TABLE.map(([name]) => name.split(" ")[0]))].sort()).toEqual(exported);
  });

  it.each(TABLE.flatMap(([name, ask, answers]) => ROLES.map((role, i) => [name, role, answers[i]!, ask] as const)))(
    "%s as %s → %s",
    (_name, role, expected, ask) => {
      expect(ask(user(role))).toBe(expected);
    },
  );

  it("nobody signed in may do anything", () => {
    for (const [name, fn] of Object.entries(permissions)) {
      expect((fn as (u: null, x: object) => boolean)(null, someoneElses), name).toBe(false);
    }
  });
});
