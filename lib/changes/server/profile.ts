import "server-only";
// Where a page's server time goes: with CELLPLANE_PAGE_PROFILE=<file> set (the `--profile` option of
// `npm run bench:changes` sets it), each timed read of a page appends one JSON line — page, request,
// label, start and end in ms since the page began — to that file. Unset (always, outside that
// benchmark): a pass-through with no clock read and no I/O.
import { appendFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";

export type Timed = <T>(label: string, work: Promise<T>) => Promise<T>;

const passThrough: Timed = (_label, work) => work;

/** A timer for one request of `page`; `timed(label, promise)` returns the same promise's value. */
export function pageProfiler(page: string): Timed {
  const file = process.env.CELLPLANE_PAGE_PROFILE;
  if (!file) return passThrough;
  const request = randomUUID();
  const t0 = performance.now();
  return async (label, work) => {
    const start = performance.now() - t0;
    const value = await work;
    const end = performance.now() - t0;
    await appendFile(file, `${JSON.stringify({ page, request, label, start, end })}\n`);
    return value;
  };
}
