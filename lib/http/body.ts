// Reading a request body, the one way every HTTP entry point does it (API routes through readJson,
// the direct telemetry path, OFREP): only after the caller is authenticated from the headers, and
// never more than the entry point's limit. A declared Content-Length over the limit is refused
// before reading a byte; a chunked body (or one that lies about its length) is read chunk by
// chunk and refused as soon as it passes the limit, so at most the limit plus one chunk is ever
// held. The rest is left unread: the caller answers 413 and closes the connection
// (BODY_REFUSED_HEADERS), rather than letting the server drain what remains.
//
// Works on a Web ReadableStream (a `Request`'s body); the app server's Node.js requests are
// adapted with lazyStream(req), which pulls one chunk at a time and nothing before the first read.

export type BodyRead = { ok: true; text: string; bytes: number } | { ok: false; status: 413; message: string };

/** Headers for an answer given before (or instead of) reading the whole body: do not keep this connection. */
export const BODY_REFUSED_HEADERS = { Connection: "close" } as const;

export const tooLargeMessage = (limit: number) => `body larger than ${limit} bytes`;

/**
 * The body as UTF-8 text, or 413 once it passes `limit` bytes. `declaredLength` is the request's
 * Content-Length header, if any. The stream is not cancelled on refusal (cancelling a Node.js
 * request destroys its socket before the answer is sent); it is released, unread.
 */
export async function readBodyText(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  declaredLength?: string | null,
): Promise<BodyRead> {
  const tooLarge = { ok: false, status: 413, message: tooLargeMessage(limit) } as const;
  if (declaredLength != null && declaredLength !== "") {
    const n = Number(declaredLength);
    if (Number.isFinite(n) && n > limit) return tooLarge;
  }
  if (!body) return { ok: true, text: "", bytes: 0 };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limit) {
        chunks.length = 0;
        return tooLarge;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(all), bytes };
}

/**
 * A Web stream over an async iterable (a Node.js request) that touches the source only when read:
 * nothing is pulled from the socket before the first read, and one chunk per read after that.
 * Never cancelled by readBodyText; the owner destroys the request once its answer is sent.
 */
export function lazyStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  let it: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        it ??= source[Symbol.asyncIterator]();
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
    },
    { highWaterMark: 0 },
  );
}
