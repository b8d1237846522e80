// Change requests of protected flags: the pure rules. A protected flag's change by a person does not
// apply; it waits as a request for a product owner or admin other than the requester (four-eyes,
// lib/approvals/four-eyes.ts) — except switching the flag off, which must stay immediate for
// incidents. Approving applies the change iff the flag is still at the version it was made against.
// Pure: the store (lib/flags/server/change-requests.ts) does the I/O.
import { FLAG_CHANGE, fourEyes } from "@/lib/approvals/four-eyes";
import { canonicalJson, FLAG_SPEC_FIELDS, type FlagSpec, type FlagSpecInput, specInput } from "./model";

export type FlagChangeStatus = "pending" | "approved" | "rejected";

/** A flag's configuration as a request stores it (before and after): a flag spec in its input form. */
export type StoredSpec = Record<string, unknown>;

/** A change request as stored. */
export interface FlagChangeRequest {
  id: string;
  flagKey: string;
  /** The flag's version the change was made against. */
  baseVersion: number;
  /** The flag action it came from (`percentage`, `toggle`, `import`, …): the applied change is audited as `flag.<action>`. */
  action: string;
  /** The fields to apply, in input form. */
  patch: Partial<FlagSpecInput>;
  before: StoredSpec;
  after: StoredSpec;
  status: FlagChangeStatus;
  requestedBy: string;
  requestedAt: Date;
  requestComment: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
}

/** The fields a change touches: those that differ, and the percentage when it is set again by hand (it restarts its hold). */
export function changedFields(after: Record<string, unknown>, percentageSetAgain: boolean): string[] {
  const fields = Object.keys(after);
  return percentageSetAgain && !fields.includes("rolloutPercentage") ? [...fields, "rolloutPercentage"] : fields;
}

/**
 * Whether a change of a protected flag applies at once: only switching the flag off — the kill
 * switch, alone. Anything else, a change that switches it off among others included, waits.
 */
export const appliesAtOnce = (fields: readonly string[], next: Pick<FlagSpec, "enabled">): boolean =>
  fields.length === 1 && fields[0] === "enabled" && !next.enabled;

/** The spec as a request stores it: input form, the salt resolved, `protected` explicit. */
export function storedSpec(spec: FlagSpec): StoredSpec {
  const { key: _key, ...rest } = specInput({ ...spec, salt: spec.salt ?? spec.key, protected: spec.protected ?? false });
  return JSON.parse(JSON.stringify(rest)) as StoredSpec;
}

/** The fields of `next` to apply (input form). */
export function patchOf(next: FlagSpec, fields: readonly string[]): Partial<FlagSpecInput> {
  const all = storedSpec(next);
  return Object.fromEntries(fields.filter((f) => f !== "key").map((f) => [f, all[f]])) as Partial<FlagSpecInput>;
}

export interface DiffLine {
  field: string;
  before: string;
  after: string;
}

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;
const listOf = (v: unknown) => (Array.isArray(v) && v.length ? v.map(String).join(", ") : "none");

function checkText(c: unknown): string {
  if (typeof c === "string") return c;
  if (c && typeof c === "object" && "check" in c) return String((c as { check: unknown }).check);
  return JSON.stringify(c);
}

/** One field's value in words, as the diff shows it. */
export function describeValue(field: string, v: unknown): string {
  if (v === undefined || v === null) return "none";
  switch (field) {
    case "enabled":
      return v ? "on" : "off";
    case "protected":
      return v ? "protected" : "not protected";
    case "rolloutPercentage":
      return `${String(v)}%`;
    case "allowlist":
      return listOf(v);
    case "targeting": {
      const t = v as { tiers?: unknown[]; cells?: unknown[]; regions?: unknown[] };
      const parts = (["tiers", "cells", "regions"] as const).filter((k) => (t[k] ?? []).length).map((k) => `${k} ${listOf(t[k])}`);
      return parts.length ? parts.join("; ") : "everyone";
    }
    case "schedule": {
      const steps = v as { at: string; percentage: number }[];
      return steps.length ? steps.map((s) => `${s.percentage}% at ${utc(s.at)}`).join(", ") : "none";
    }
    case "requires": {
      const r = Object.entries(v as Record<string, string>);
      return r.length ? r.map(([svc, range]) => `${svc} ${range}`).join(", ") : "none";
    }
    case "guard": {
      const g = v as { checks: unknown[]; onBreach: string; watchHandRaised: boolean; notify: string | null; watchFor: string };
      return `${g.checks.map(checkText).join(", ")}; on breach ${g.onBreach}; watch ${g.watchFor}${g.watchHandRaised ? ", hand-raised too" : ""}${g.notify ? `; notify ${g.notify}` : ""}`;
    }
    default:
      return typeof v === "string" ? (v === "" ? "(empty)" : JSON.stringify(v)) : JSON.stringify(v);
  }
}

/** Before → after, field by field, in the flag model's order: only the fields that differ. */
export function requestDiff(before: StoredSpec, after: StoredSpec): DiffLine[] {
  return FLAG_SPEC_FIELDS.filter((f) => f !== "key" && canonicalJson(before[f] ?? null) !== canonicalJson(after[f] ?? null)).map(
    (field) => ({ field, before: describeValue(field, before[field]), after: describeValue(field, after[field]) }),
  );
}

/** The diff in one line: `rolloutPercentage 25% → 40%; owner "a" → "b"`. */
export const diffSummary = (diff: DiffLine[]): string =>
  diff.length ? diff.map((d) => `${d.field} ${d.before} → ${d.after}`).join("; ") : "no change";

/** Why approving a request can no longer succeed (the flag moved on since), or null. */
export function staleness(req: Pick<FlagChangeRequest, "baseVersion" | "flagKey">, currentVersion: number | null): string | null {
  if (currentVersion === null) return `The flag "${req.flagKey}" no longer exists.`;
  return currentVersion === req.baseVersion
    ? null
    : `Stale: "${req.flagKey}" changed since this request (version ${req.baseVersion} → ${currentVersion}); it can only be rejected — the requester proposes it again.`;
}

export type FlagChangeDecision = { kind: "approve" | "reject"; by: string; comment: string };

/**
 * Why this decision cannot be made, or null. `approve`: pending, not by the requester (four-eyes),
 * the flag still at the request's version. `reject`: pending (the requester may reject — withdraw — their own).
 */
export function decisionProblem(
  req: Pick<FlagChangeRequest, "status" | "requestedBy" | "baseVersion" | "flagKey" | "decidedBy" | "decidedAt">,
  d: FlagChangeDecision,
  currentVersion: number | null,
): { code: "CONFLICT" | "PRECONDITION"; message: string } | null {
  if (req.status !== "pending")
    return {
      code: "CONFLICT",
      message: `This request was already ${req.status} by ${req.decidedBy}${req.decidedAt ? ` at ${utc(req.decidedAt.toISOString())}` : ""}.`,
    };
  if (d.kind === "reject") return null;
  const own = fourEyes(d.by, req.requestedBy, FLAG_CHANGE);
  if (own) return { code: "PRECONDITION", message: own };
  const stale = staleness(req, currentVersion);
  return stale ? { code: "CONFLICT", message: stale } : null;
}
