// Where a notification goes, as pipelines and flag guards write it: a Slack channel (slack://name,
// mapped to a webhook in Settings → Rollouts) or an https:// webhook. A module of its own so that
// flag validation does not pull in the pipeline reader.

/** `notify` / `notification`: a Slack channel or an https URL (a webhook). */
export function notifyProblem(v: unknown): string | null {
  if (typeof v === "string") {
    if (/^slack:\/\/[A-Za-z0-9._-]+$/.test(v)) return null;
    if (v.startsWith("https://")) {
      try {
        new URL(v);
        return null;
      } catch {
        /* fall through */
      }
    }
  }
  return "must be slack://<channel> or an https:// URL";
}
