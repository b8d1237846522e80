// Sign-in throttling policy (pure). Failed passwords are counted per client address and per
// account + address; never per account alone, so nobody can lock someone else out of their account
// by typing wrong passwords for it from their own machine.
//   - per address: at most `addressFailures` failed sign-ins in `addressWindowSeconds`;
//   - per account + address: the first `freeFailures` failures cost nothing, then each further
//     attempt must wait 1 s, 2 s, 4 s, … (doubling from `firstDelaySeconds`, at most `maxDelaySeconds`)
//     after the previous failure.
// A successful sign-in clears the account + address count.

export interface LoginThrottlePolicy {
  addressFailures: number;
  addressWindowSeconds: number;
  freeFailures: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  /** How long consecutive failures are remembered without a new one. */
  failureMemorySeconds: number;
}

export const LOGIN_THROTTLE: LoginThrottlePolicy = {
  addressFailures: 50,
  addressWindowSeconds: 15 * 60,
  freeFailures: 5,
  firstDelaySeconds: 1,
  maxDelaySeconds: 15 * 60,
  failureMemorySeconds: 24 * 60 * 60,
};

/** Seconds an attempt must wait after `failures` consecutive failures (0 while they are free). */
export function delayAfterFailures(failures: number, p: LoginThrottlePolicy = LOGIN_THROTTLE): number {
  if (failures <= p.freeFailures) return 0;
  return Math.min(p.maxDelaySeconds, p.firstDelaySeconds * 2 ** Math.min(30, failures - p.freeFailures - 1));
}

/** What the sign-in page says when an attempt is refused. */
export function retryMessage(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const when = s < 60 ? `${s} second${s === 1 ? "" : "s"}` : `${Math.ceil(s / 60)} minute${Math.ceil(s / 60) === 1 ? "" : "s"}`;
  return `Too many failed sign-in attempts. Try again in ${when}.`;
}

/**
 * The client's address. `X-Forwarded-For` is trusted only behind a proxy the operator vouches for
 * (CELLPLANE_TRUST_PROXY=1): then the last entry is the address that proxy saw (entries before it
 * were sent by the client and prove nothing). Otherwise the socket's address counts.
 */
export function clientAddress(input: {
  socket: string | undefined;
  forwardedFor: string | string[] | undefined;
  trustProxy: boolean;
}): string {
  const socket = (input.socket ?? "").replace(/^::ffff:/, "") || "unknown";
  if (!input.trustProxy) return socket;
  const header = Array.isArray(input.forwardedFor) ? input.forwardedFor.join(",") : (input.forwardedFor ?? "");
  const last = header
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
  return last && last.length <= 64 ? last.replace(/^::ffff:/, "") : socket;
}
