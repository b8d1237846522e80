// "Who is in?": one customer's evaluation with the reasoning a product owner needs to see (their
// home cell, their bucket, the percentage in force). Pure: the store supplies the customer.
import { bucketOf } from "./bucket";
import { evaluate, type EvaluationErrorCode, type EvaluationReason } from "./evaluate";
import type { Flag } from "./model";
import { effectiveRollout } from "./schedule";

export interface PreviewCustomer {
  id: string;
  name: string;
  plan: string;
  cell: string;
  tier: string;
  region: string;
  /** What the home cell runs (service → version), for code prerequisites. */
  versions?: Record<string, string | null>;
}

export interface FlagPreview {
  key: string;
  customerId: string;
  /** null: not in the customers table (evaluated without a home cell). */
  customer: PreviewCustomer | null;
  value: boolean;
  reason: EvaluationReason;
  variant?: string;
  errorCode?: EvaluationErrorCode;
  explanation: string;
  bucket: number;
  percentage: number;
  allowlisted: boolean;
}

export function previewFor(flag: Flag, customerId: string, customer: PreviewCustomer | null, now: Date): FlagPreview {
  const id = customerId.trim();
  const ctx = customer ? { targetingKey: id, tier: customer.tier, cell: customer.cell, region: customer.region } : { targetingKey: id };
  const e = evaluate(flag, ctx, now, customer?.versions ?? null);
  const bucket = bucketOf(flag.salt || flag.key, id);
  const { percentage } = effectiveRollout(flag, now);
  const allowlisted = flag.allowlist.includes(id);
  const explanation =
    e.reason === "DISABLED"
      ? "The flag is switched off: nobody gets it, allowlisted customers included."
      : e.errorCode === "TARGETING_KEY_MISSING"
        ? "Type a customer id."
        : e.reason === "PREREQUISITE_FAILED"
          ? `Held back: the flag requires ${e.flagMetadata.prerequisite}, and the home cell${customer ? ` ${customer.cell}` : ""} runs ${e.flagMetadata.cellVersion}.`
          : e.reason === "TARGETING_MATCH"
            ? "On the allowlist: always on while the flag is enabled."
            : e.reason === "DEFAULT"
              ? `Not targeted: the home cell${customer ? ` (${customer.cell}, ${customer.tier}, ${customer.region})` : " is unknown and"} does not match the flag's targeting.`
              : e.value
                ? `Bucket ${bucket} is within the ${percentage}% rollout.`
                : percentage === 0
                  ? `The rollout is at 0%; bucket ${bucket} gets it from ${bucket}%.`
                  : `Bucket ${bucket} is above the ${percentage}% rollout; gets it from ${bucket}%.`;
  return {
    key: flag.key,
    customerId: id,
    customer,
    value: e.value,
    reason: e.reason,
    variant: e.variant,
    errorCode: e.errorCode,
    explanation,
    bucket,
    percentage,
    allowlisted,
  };
}
