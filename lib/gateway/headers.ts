// The standard response headers of a deprecated route, and the date forms they use:
//   Deprecation (RFC 9745): a Structured Field Date, `@<unix seconds>` (RFC 9651 §3.3.7)
//   Sunset      (RFC 8594): an HTTP-date, IMF-fixdate in GMT, e.g. `Sat, 01 Jun 2025 00:00:00 GMT`
//   Link        (RFC 8288): `<url>; rel="deprecation"` and `<url>; rel="sunset"` (both RFCs register these)
// RFC 9745 §3: the Sunset date must not be earlier than the Deprecation date.
import type { Route } from "./model";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** `@1735689600`: whole seconds since the epoch (sub-second precision is dropped, as sf-date allows none). */
export function formatSfDate(d: Date): string {
  return `@${Math.floor(d.getTime() / 1000)}`;
}

/** An sf-date (`@` then an integer of at most 15 digits), or null when malformed. */
export function parseSfDate(value: string): Date | null {
  const m = /^@(-?\d{1,15})$/.exec(value.trim());
  return m ? new Date(Number(m[1]) * 1000) : null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** IMF-fixdate (RFC 9110 §5.6.7), always GMT. */
export function formatHttpDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}

/**
 * An IMF-fixdate whose weekday may disagree with its date (the seed's "Sat, 01 Jun 2025" — that day
 * was a Sunday). The date part decides; `weekdayMismatch` lets an import warn. Null when malformed.
 */
export function parseHttpDateLenient(value: string): { date: Date; weekdayMismatch: boolean } | null {
  const m =
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
      value.trim(),
    );
  if (!m) return null;
  const [, day, dd, mon, yyyy, hh, mi, ss] = m;
  const month = MONTHS.indexOf(mon as (typeof MONTHS)[number]);
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 60) return null;
  const d = new Date(Date.UTC(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Number(ss)));
  if (d.getUTCDate() !== Number(dd) || d.getUTCMonth() !== month) return null;
  return { date: d, weekdayMismatch: DAYS[d.getUTCDay()] !== day };
}

/** A strict IMF-fixdate: the weekday must match the date. Null when malformed. */
export function parseHttpDate(value: string): Date | null {
  const r = parseHttpDateLenient(value);
  return r && !r.weekdayMismatch ? r.date : null;
}

export interface LinkValue {
  url: string;
  rel: string;
}

/** One Link field value (RFC 8288) listing every link. */
export function formatLinks(links: LinkValue[]): string {
  return links.map((l) => `<${l.url}>; rel="${l.rel}"`).join(", ");
}

/** Parse a Link field value into (url, rel) pairs; a rel with several types yields one pair each. Null when malformed. */
export function parseLinks(value: string): LinkValue[] | null {
  const out: LinkValue[] = [];
  const s = value;
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === " " || s[i] === "\t" || s[i] === ",")) i++;
    if (i >= s.length) break;
    if (s[i] !== "<") return null;
    const end = s.indexOf(">", i);
    if (end < 0) return null;
    const url = s.slice(i + 1, end);
    i = end + 1;
    let params = "";
    let quoted = false;
    while (i < s.length && (quoted || s[i] !== ",")) {
      if (s[i] === '"') quoted = !quoted;
      params += s[i++];
    }
    if (quoted || (params.trim() !== "" && !params.trim().startsWith(";"))) return null;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(params);
    for (const r of (rel?.[1] ?? rel?.[2] ?? "").split(/\s+/).filter(Boolean)) out.push({ url, rel: r.toLowerCase() });
  }
  return out.length ? out : null;
}

export interface EdgeHeaders {
  Deprecation?: string;
  Sunset?: string;
  Link?: string;
}

/**
 * The headers the edge adds to responses of a route. A deprecated route carries Deprecation (and
 * Sunset when one is announced) plus Link to its documentation; a sunset route answers 410 with the
 * sunset link only; active and disabled routes carry none.
 */
export function edgeHeaders(r: Pick<Route, "status" | "deprecationDate" | "sunsetDate" | "documentation">): EdgeHeaders {
  if (r.status === "deprecated") {
    const h: EdgeHeaders = {};
    if (r.deprecationDate) h.Deprecation = formatSfDate(r.deprecationDate);
    if (r.sunsetDate) h.Sunset = formatHttpDate(r.sunsetDate);
    if (r.documentation) {
      h.Link = formatLinks([
        { url: r.documentation, rel: "deprecation" },
        ...(r.sunsetDate ? [{ url: r.documentation, rel: "sunset" }] : []),
      ]);
    }
    return h;
  }
  if (r.status === "sunset" && r.documentation) return { Link: formatLinks([{ url: r.documentation, rel: "sunset" }]) };
  return {};
}

/** `2025-06-01` for midnight UTC, else the full ISO instant without milliseconds when they are zero. */
export function formatDayOrInstant(d: Date): string {
  const iso = d.toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  return iso.replace(/\.000Z$/, "Z");
}

/** `2025-06-01` (midnight UTC) or an ISO 8601 instant with an offset; null when malformed or not a real date. */
export function parseDay(value: string): Date | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const d = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    return d.getUTCMonth() === Number(day[2]) - 1 && d.getUTCDate() === Number(day[3]) ? d : null;
  }
  const inst = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (!inst) return null;
  const d = new Date(value.replace(" ", "T"));
  if (Number.isNaN(d.getTime())) return null;
  const probe = new Date(Date.UTC(Number(inst[1]), Number(inst[2]) - 1, Number(inst[3])));
  return probe.getUTCMonth() === Number(inst[2]) - 1 && probe.getUTCDate() === Number(inst[3]) ? d : null;
}
