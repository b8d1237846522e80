// Durations as pipelines write them: "30s", "45m", "4h", "1d", "1h30m", "1d 2h", "500ms".
// A bare number is refused: "30" could mean seconds or minutes, and a bake time must not guess.

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: Unit[] = ["d", "h", "m", "s", "ms"];

const PART = /(\d+)\s*(ms|d|h|m|s)/y;

/** Milliseconds, or null when `s` is not a duration. Units go from largest to smallest, each once. */
export function parseDuration(s: string): number | null {
  if (typeof s !== "string") return null;
  const text = s.trim();
  if (text === "") return null;
  let at = 0;
  let total = 0;
  let lastUnit = -1;
  while (at < text.length) {
    PART.lastIndex = at;
    const m = PART.exec(text);
    if (!m) return null;
    const unit = ORDER.indexOf(m[2] as Unit);
    if (unit <= lastUnit) return null; // "30m 1h" or "1h1h": out of order or repeated
    lastUnit = unit;
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
    at = PART.lastIndex;
    while (text[at] === " ") at++;
  }
  return Number.isSafeInteger(total) ? total : null;
}

/** The shortest exact form: 2_700_000 → "45m", 93_600_000 → "1d 2h", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return "0s";
  const parts: string[] = [];
  for (const u of ORDER) {
    const n = Math.floor(rest / UNIT_MS[u]);
    if (n > 0) {
      parts.push(`${n}${u}`);
      rest -= n * UNIT_MS[u];
    }
  }
  return parts.join(" ");
}
