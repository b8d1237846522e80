// Outbound deliveries (chat notifications, deploy webhooks): at-least-once with retries and backoff.
import type { Db } from "@/lib/db/client";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import type { RolloutSettings } from "@/lib/settings/rollouts";

export const MAX_ATTEMPTS = 8;

/** Exponential backoff: 2 s, 4 s, 8 s … capped at 5 minutes. Pure. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** attempts * 1000, 5 * 60_000);
}

function resolveUrl(target: string, s: RolloutSettings): string | null {
  if (target.startsWith("slack://")) return s.channels[target.slice("slack://".length)] || null;
  return /^https?:\/\//.test(target) ? target : null;
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Send what is due. Rows are claimed with FOR UPDATE SKIP LOCKED, so several senders never send
 * one delivery twice at the same time; the result is written in the same transaction.
 */
export async function deliverDue(db: Db, now: Date, fetchImpl: Fetch = fetch, limit = 20): Promise<{ sent: number; failed: number }> {
  const settings = (await readSetting(db, SETTINGS.rollouts)).value;
  let sent = 0,
    failed = 0;
  for (let n = 0; n < limit; n++) {
    const done = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; kind: string; target: string; payload: Record<string, unknown>; attempts: number }[]>`
        SELECT id, kind, target, payload, attempts FROM deliveries
         WHERE status = 'pending' AND next_attempt_at <= ${now}
         ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`;
      const d = rows[0];
      if (!d) return null;
      const url = resolveUrl(d.target, settings);
      let error: string | null = null;
      if (!url) error = `no webhook configured for ${d.target}`;
      else {
        try {
          const body = d.kind === "notification" ? { text: String(d.payload.text ?? ""), ...d.payload } : d.payload;
          const res = await fetchImpl(url, {
            method: "POST",
            headers: { "content-type": "application/json", "user-agent": "cellplane" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(5_000),
          });
          if (!res.ok) error = `HTTP ${res.status}`;
        } catch (e) {
          error = (e as Error).message;
        }
      }
      const attempts = d.attempts + 1;
      if (!error) {
        await tx.delivery.update({ where: { id: d.id }, data: { status: "sent", attempts, sentAt: now, lastError: null } });
        return "sent";
      }
      const giveUp = attempts >= MAX_ATTEMPTS || !url;
      await tx.delivery.update({
        where: { id: d.id },
        data: {
          status: giveUp ? "failed" : "pending",
          attempts,
          lastError: error,
          nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)),
        },
      });
      return "failed";
    });
    if (done === null) break;
    if (done === "sent") sent++;
    else failed++;
  }
  return { sent, failed };
}
