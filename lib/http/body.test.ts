import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { readBodyText } from "./body";

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

describe("readBodyText on a Node.js request", () => {
  /** A request-like emitter: `feed` sends chunks; `paused` tells whether the reader stopped it. */
  function nodeBody() {
    const e = Object.assign(new EventEmitter(), { paused: false, pause: () => (e.paused = true) });
    return e;
  }

  it("reads to the end", async () => {
    const b = nodeBody();
    const read = readBodyText(b, 100);
    b.emit("data", Buffer.from('{"a":'));
    b.emit("data", Buffer.from('"é"}'));
    b.emit("end");
    expect(await read).toEqual({ ok: true, text: '{"a":"é"}', bytes: 10 });
    expect(b.listenerCount("data")).toBe(0);
  });

  it("stops at the limit: pauses the request and stops listening", async () => {
    const b = nodeBody();
    const read = readBodyText(b, 64 * 1024);
    for (let i = 0; i < 5 && b.listenerCount("data") > 0; i++) b.emit("data", new Uint8Array(16 * 1024));
    expect(await read).toMatchObject({ ok: false, status: 413 });
    expect(b.paused).toBe(true);
    expect(b.listenerCount("data")).toBe(0);
  });

  it("attaches to the request only when called", () => {
    const b = nodeBody();
    expect(b.listenerCount("data")).toBe(0);
    void readBodyText(b, 10, "11");
    expect(b.listenerCount("data")).toBe(0); // refused by its declared length
  });
});
