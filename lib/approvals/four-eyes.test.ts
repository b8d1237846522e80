// The one rule for deciding gates, as a table: every role × (a gate of something the user started,
// someone else's, nobody's yet) × (a release gate, a migration step).
import { describe, expect, it } from "vitest";
import { type Principal, ROLES, type Role } from "@/lib/auth/roles";
import { decidesGates, FLAG_CHANGE, fourEyes, gateVerdict, MIGRATION_STEP, RELEASE_GATE } from "./four-eyes";

const user = (role: Role): Principal => ({ id: role, email: `${role.toLowerCase()}@x`, name: role, role });

//                          VIEWER SRE RM    PO     ADMIN
const DECIDES: boolean[] = [false, false, true, false, true];

describe("gateVerdict: who may decide a gate, and why not", () => {
  it.each(ROLES.flatMap((role, i) => [RELEASE_GATE, MIGRATION_STEP].map((what) => [role, what.noun, DECIDES[i]!, what] as const)))(
    "%s on a %s gate",
    (role, _noun, decides, what) => {
      const u = user(role);
      expect(decidesGates(u)).toBe(decides);
      expect(gateVerdict(u, { requestedBy: "someone@x" }, what).ok).toBe(decides);
      expect(gateVerdict(u, { requestedBy: null }, what).ok).toBe(decides);
      const own = gateVerdict(u, { requestedBy: u.email }, what);
      expect(own.ok).toBe(false);
      if (!own.ok) expect(own.because).toBe(decides ? "four-eyes" : "role");
    },
  );

  it("says why, in the gate kind's words", () => {
    expect(gateVerdict(user("SRE"), { requestedBy: "a@x" }, RELEASE_GATE)).toEqual({
      ok: false,
      because: "role",
      message: "Only release managers and admins decide release gates (you are SRE).",
    });
    expect(gateVerdict(null, { requestedBy: "a@x" }, RELEASE_GATE)).toMatchObject({ ok: false, because: "role" });
    expect(gateVerdict(user("ADMIN"), { requestedBy: "admin@x" }, MIGRATION_STEP)).toEqual({
      ok: false,
      because: "four-eyes",
      message: "Four-eyes: you started this migration, so another release manager must decide this step.",
    });
  });

  it("fourEyes (what the engines ask of a decision's identity) refuses only the requester", () => {
    expect(fourEyes("a@x", "a@x", RELEASE_GATE)).toBe("four-eyes: the person who started the release cannot approve its gates");
    expect(fourEyes("a@x", "a@x", MIGRATION_STEP)).toBe("four-eyes: the person who started the migration cannot approve its steps");
    expect(fourEyes("b@x", "a@x", RELEASE_GATE)).toBeNull();
    expect(fourEyes("a@x", null, MIGRATION_STEP)).toBeNull();
  });

  //                                     VIEWER SRE    RM     PO     ADMIN
  const DECIDES_FLAG_CHANGES: boolean[] = [false, false, false, true, true];
  it.each(ROLES.map((role, i) => [role, DECIDES_FLAG_CHANGES[i]!] as const))(
    "%s on a flag change request: product owners and admins decide, never the requester",
    (role, decides) => {
      const u = user(role);
      expect(decidesGates(u, FLAG_CHANGE)).toBe(decides);
      expect(gateVerdict(u, { requestedBy: "someone@x" }, FLAG_CHANGE).ok).toBe(decides);
      const own = gateVerdict(u, { requestedBy: u.email }, FLAG_CHANGE);
      expect(own.ok).toBe(false);
      if (!own.ok) expect(own.because).toBe(decides ? "four-eyes" : "role");
    },
  );

  it("says so in the flag change's words", () => {
    expect(gateVerdict(user("RELEASE_MANAGER"), { requestedBy: "a@x" }, FLAG_CHANGE)).toMatchObject({
      message: "Only product owners and admins decide flag change requests (you are RELEASE_MANAGER).",
    });
    expect(gateVerdict(user("PRODUCT_OWNER"), { requestedBy: "product_owner@x" }, FLAG_CHANGE)).toMatchObject({
      message: "Four-eyes: you requested this flag change, so another product owner or an admin must decide this request.",
    });
    expect(fourEyes("a@x", "a@x", FLAG_CHANGE)).toBe("four-eyes: the person who requested a flag change cannot approve it");
  });
});
