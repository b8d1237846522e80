// Outbound deliveries (chat notifications, deploy webhooks): at-least-once with retries and backoff.
// Every call goes only to a host on the outbound allowlist (lib/settings/outbound.ts), never follows
// a redirect, and gives up after a time limit. What is recorded about a failure names the host at
// most, never the rest of the URL (a webhook URL is a secret).
import type { Db } from "@/lib/db/client";
import { redactUrlsInText } from "@/lib/secrets/redact";
import { effectiveAllowlist, OUTBOUND_TIMEOUT_MS, outboundProblem } from "@/lib/settings/outbound";
import type { RolloutSettings } from "@/lib/settings/rollouts";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";

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

/** A failed attempt: what to record, and whether trying again could help. */
interface Failure {
  error: string;
  final: boolean;
}

/**
 * POST `body` to `url`: no redirects (a 3xx fails), `timeoutMs` at most. Credentials written in the
 * URL (`https://user:pass@host/…`) are sent as basic authentication.
 */
async function post(fetchImpl: Fetch, url: string, body: unknown, timeoutMs: number): Promise<Failure | null> {
  const u = new URL(url);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "cellplane" };
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}`;
    u.username = "";
    u.password = "";
  }
  try {
    const res = await fetchImpl(u.toString(), {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 300 && res.status < 400) return { error: `HTTP ${res.status}: redirects are not followed`, final: true };
    if (!res.ok) return { error: `HTTP ${res.status}`, final: false };
    return null;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === "TimeoutError") return { error: `timed out after ${timeoutMs / 1000} s`, final: false };
    return { error: redactUrlsInText(err.cause?.code ? `${err.message} (${err.cause.code})` : err.message), final: false };
  }
}

/**
 * Send what is due. Rows are claimed with FOR UPDATE SKIP LOCKED, so several senders never send
 * one delivery twice at the same time; the result is written in the same transaction. A target
 * off the allowlist or a redirect fails the delivery for good; errors and time-outs are retried.
 */
export async function deliverDue(
  db: Db,
  now: Date,
  fetchImpl: Fetch = fetch,
  limit = 20,
  timeoutMs = OUTBOUND_TIMEOUT_MS,
): Promise<{ sent: number; failed: number }> {
  const [settings, outbound, alerting] = await Promise.all([
    readSetting(db, SETTINGS.rollouts),
    readSetting(db, SETTINGS.outbound),
    readSetting(db, SETTINGS.alerting),
  ]);
  const allow = effectiveAllowlist(outbound.value, settings.value, alerting.value);
  let sent = 0,
    failed = 0;
  for (let n = 0; n < limit; n++) {
    const done = await db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ id: bigint; kind: string; target: string; payload: Record<string, unknown>; attempts: number }[]>`
        SELECT id, kind, target, payload, attempts FROM deliveries
         WHERE status = 'pending' AND next_attempt_at <= ${now}
         ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`;
        const d = rows[0];
        if (!d) return null;
        const url = resolveUrl(d.target, settings.value);
        let failure: Failure | null;
        if (!url) failure = { error: `no webhook configured for ${d.target}`, final: true };
        else {
          const refused = outboundProblem(url, allow);
          if (refused) failure = { error: `refused: ${refused}`, final: true };
          else {
            const body = d.kind === "notification" ? { text: String(d.payload.text ?? ""), ...d.payload } : d.payload;
            failure = await post(fetchImpl, url, body, timeoutMs);
          }
        }
        const attempts = d.attempts + 1;
        if (!failure) {
          await tx.delivery.update({ where: { id: d.id }, data: { status: "sent", attempts, sentAt: now, lastError: null } });
          return "sent";
        }
        const giveUp = attempts >= MAX_ATTEMPTS || failure.final;
        await tx.delivery.update({
          where: { id: d.id },
          data: {
            status: giveUp ? "failed" : "pending",
            attempts,
            lastError: failure.error,
            nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)),
          },
        });
        return "failed";
      },
      { timeout: timeoutMs + 10_000 }, // the claim is held while the call runs
    );
    if (done === null) break;
    if (done === "sent") sent++;
    else failed++;
  }
  return { sent, failed };
}
