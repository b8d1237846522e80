// Secrets and their redaction. Webhook URLs are secrets: a Slack incoming webhook's path is its
// credential, a deploy webhook carries `?token=…`, an https notify target may hold credentials or a
// secret path. They are stored as entered and shown in full only to admins in Settings; everywhere
// else — audit before/after, deliveries, pages, exports, API answers, logs — a URL is shown as its
// scheme and host followed by `/…`. Pure; one function (`redactUrl`) decides what is left.

/** What stands for everything after the host. */
export const REDACTED_TAIL = "/…";

/** URLs in text; `slack://<channel>` names a channel configured in Settings and is not a secret. */
const URL_IN_TEXT = /\b(?!slack:\/\/)[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/**
 * A URL as `scheme://host/…` (host with its port, lower-cased; user, password, path, query and
 * fragment dropped). Something that does not parse as a URL with a host is replaced whole.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return "(redacted)";
  }
  if (!u.host) return "(redacted)";
  return `${u.protocol}//${u.host}${REDACTED_TAIL}`;
}

/** Whether `s` is a redacted URL (`scheme://host/…`), as `redactUrl` writes them. */
export function isRedactedUrl(s: string): boolean {
  return s.endsWith(REDACTED_TAIL) && redactUrl(s) === s.trim();
}

/** Every `scheme://…` URL inside free text (a YAML file, an error message), redacted. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (m) => {
    // Punctuation that ends a sentence or a YAML flow collection is not part of the URL.
    const tail = m.match(/[.,;:)\]}]+$/)?.[0] ?? "";
    return redactUrl(m.slice(0, m.length - tail.length)) + tail;
  });
}

/** A notification target: `slack://channel` names a channel (not a secret); an http(s) URL is redacted. */
export function redactTarget(target: string): string;
export function redactTarget(target: string | null): string | null;
export function redactTarget(target: string | null): string | null {
  if (target === null) return null;
  return /^https?:\/\//i.test(target.trim()) ? redactUrl(target) : target;
}

/** A JSON value with every URL in every string redacted (keys are kept). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactUrlsInText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/**
 * Audit targets whose before/after (and reason) may hold secrets: the rollout settings (chat
 * webhooks, the deploy webhook), the alerting settings (routes may name webhook URLs) and pipelines (https notify targets, in the spec and the file). Their
 * URLs are redacted when an event is written (`recordAudit`) and again when one is shown, which
 * covers events stored before redaction existed. Other targets keep their URLs as written (route
 * backends, documentation links, link templates are not secrets).
 */
const SECRET_TARGETS: { targetType: string; targetId?: string }[] = [
  { targetType: "setting", targetId: "rollouts" },
  { targetType: "setting", targetId: "alerting" },
  { targetType: "pipeline" },
  { targetType: "pipeline_change" },
];

/** Whether an audit event's before/after may hold secrets (see SECRET_TARGETS). */
export const holdsSecrets = (e: { targetType: string; targetId: string }) =>
  SECRET_TARGETS.some((p) => p.targetType === e.targetType && (p.targetId === undefined || p.targetId === e.targetId));

/** An audit event as anyone may see it: for targets that hold secrets, every URL redacted. */
export function redactAuditEvent<
  E extends { targetType: string; targetId: string; before: unknown; after: unknown; reason: string | null },
>(e: E): E {
  if (!holdsSecrets(e)) return e;
  return { ...e, before: redactDeep(e.before), after: redactDeep(e.after), reason: e.reason === null ? null : redactUrlsInText(e.reason) };
}

/** The same for an event about to be written (`AuditInput`: before, after and reason optional). */
export function redactAuditInput<
  E extends { targetType: string; targetId: string; before?: unknown; after?: unknown; reason?: string | null },
>(e: E): E {
  if (!holdsSecrets(e)) return e;
  return {
    ...e,
    ...(e.before === undefined ? {} : { before: redactDeep(e.before) }),
    ...(e.after === undefined ? {} : { after: redactDeep(e.after) }),
    ...(e.reason === undefined || e.reason === null ? {} : { reason: redactUrlsInText(e.reason) }),
  };
}

/** A delivery as anyone may see it: its target, last error and payload with every URL redacted. */
export function redactDelivery<D extends { target: string; lastError: string | null; payload: unknown }>(d: D): D {
  return {
    ...d,
    target: redactTarget(d.target),
    lastError: d.lastError === null ? null : redactUrlsInText(d.lastError),
    payload: redactDeep(d.payload),
  };
}
