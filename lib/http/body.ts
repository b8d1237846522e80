// Reading a request body, the one way every HTTP entry point does it (API routes through readJson,
// the direct telemetry path, OFREP): only after the caller is authenticated from the headers, and
// never more than the entry point's limit. A declared Content-Length over the limit is refused
// before reading a byte; a chunked body (or one that lies about its length) is read chunk by
// chunk and refused as soon as it passes the limit, so at most the limit plus one chunk is ever
// held. The rest is left unread: the caller answers 413 and closes the connection
// (BODY_REFUSED_HEADERS), rather than letting the server drain what remains.
//
// Works on a Web ReadableStream (a `Request`'s body: route handlers, OFREP) and on a Node.js request
// (the app server's direct telemetry path), touching neither before it is called.

export type BodyRead = { ok: true; text: string; bytes: number } | { ok: false; status: 413; message: string };

/** Headers for an answer given before (or instead of) reading the whole body: do not keep this connection. */
export const BODY_REFUSED_HEADERS = { Connection: "close" } as const;

export const tooLargeMessage = (limit: number) => `body larger than ${limit} bytes`;

/** A Node.js request, structurally (what readBodyText needs of it). */
export interface NodeBody {
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (e: Error) => void): unknown;
  removeListener(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  removeListener(event: "end", listener: () => void): unknown;
  removeListener(event: "error", listener: (e: Error) => void): unknown;
  pause(): unknown;
}

/**
 * The body as UTF-8 text, or 413 once it passes `limit` bytes. `declaredLength` is the request's
 * Content-Length header, if any. The body is a Web stream (a `Request`'s) or a Node.js request
 * (the app server's direct paths, read from its events: cheaper than a stream over it). Refused,
 * it is left unread: a Web stream is released, not cancelled (cancelling a Node.js request
 * destroys its socket before the answer is sent); a Node.js request is paused.
 */
export async function readBodyText(
  body: ReadableStream<Uint8Array> | NodeBody | null,
  limit: number,
  declaredLength?: string | null,
): Promise<BodyRead> {
  if (declaredLength != null && declaredLength !== "") {
    const n = Number(declaredLength);
    if (Number.isFinite(n) && n > limit) return tooLarge(limit);
  }
  if (!body) return { ok: true, text: "", bytes: 0 };
  const chunks: Uint8Array[] = [];
  const bytes = await ("getReader" in body ? readWeb(body, limit, chunks) : readNode(body, limit, chunks));
  if (bytes > limit) return tooLarge(limit);
  return { ok: true, text: Buffer.concat(chunks, bytes).toString("utf8"), bytes };
}

const tooLarge = (limit: number) => ({ ok: false, status: 413, message: tooLargeMessage(limit) }) as const;

/** Reads into `chunks`; returns the bytes read, or a number over `limit` when it stopped there. */
async function readWeb(body: ReadableStream<Uint8Array>, limit: number, chunks: Uint8Array[]): Promise<number> {
  const reader = body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return bytes;
      bytes += value.byteLength;
      if (bytes > limit) {
        chunks.length = 0;
        return bytes;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}

function readNode(body: NodeBody, limit: number, chunks: Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const stop = () => {
      body.removeListener("data", onData);
      body.removeListener("end", onEnd);
      body.removeListener("error", onError);
    };
    const onData = (c: Uint8Array) => {
      bytes += c.byteLength;
      if (bytes > limit) {
        stop();
        body.pause();
        chunks.length = 0;
        resolve(bytes);
      } else chunks.push(c);
    };
    const onEnd = () => {
      stop();
      resolve(bytes);
    };
    const onError = (e: Error) => {
      stop();
      reject(e);
    };
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
  });
}
