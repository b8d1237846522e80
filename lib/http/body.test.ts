import { describe, expect, it } from "vitest";
import { lazyStream, readBodyText } from "./body";

/** A body of `total` bytes in `chunk`-byte pieces, produced only when pulled; `pulled` counts what was taken. */
function source(total: number, chunk = 16 * 1024) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (state.pulled >= total) return c.close();
        const n = Math.min(chunk, total - state.pulled);
        state.pulled += n;
        c.enqueue(new Uint8Array(n).fill(0x20));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

describe("readBodyText", () => {
  it("reads a body within the limit", async () => {
    expect(await readBodyText(new Blob(['{"a":"é"}']).stream(), 100)).toEqual({ ok: true, text: '{"a":"é"}', bytes: 10 });
    expect(await readBodyText(null, 100)).toEqual({ ok: true, text: "", bytes: 0 });
    expect(await readBodyText(new Blob(["x".repeat(100)]).stream(), 100)).toMatchObject({ ok: true, bytes: 100 });
  });

  it("refuses a declared length over the limit without reading a byte", async () => {
    const s = source(10 * 1024 * 1024);
    expect(await readBodyText(s.stream, 64 * 1024, String(10 * 1024 * 1024))).toEqual({
      ok: false,
      status: 413,
      message: "body larger than 65536 bytes",
    });
    expect(s.state.pulled).toBe(0);
  });

  it("stops a chunked body at the limit: at most one chunk past it is read, the rest never", async () => {
    const s = source(300 * 1024 * 1024);
    expect(await readBodyText(s.stream, 64 * 1024)).toMatchObject({ ok: false, status: 413 });
    expect(s.state.pulled).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
    expect(s.state.pulled).toBeGreaterThan(64 * 1024);
  });

  it("stops a body that declares less than it sends", async () => {
    const s = source(1024 * 1024);
    expect(await readBodyText(s.stream, 64 * 1024, "10")).toMatchObject({ ok: false, status: 413 });
    expect(s.state.pulled).toBeLessThanOrEqual(80 * 1024);
  });
});

describe("lazyStream", () => {
  it("takes nothing from its source until read, then one piece per read", async () => {
    let taken = 0;
    async function* gen() {
      for (let i = 0; i < 1000; i++) {
        taken++;
        yield new Uint8Array(1024);
      }
    }
    const stream = lazyStream(gen());
    await new Promise((r) => setImmediate(r)); // a turn of the event loop: an eager stream would have pulled by now
    expect(taken).toBe(0);
    expect(await readBodyText(stream, 4 * 1024)).toMatchObject({ ok: false, status: 413 });
    expect(taken).toBe(5);
  });
});
