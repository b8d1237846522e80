// A load generator's HTTP/1.1 client for the benchmarks: requests built to bytes before the timed
// part and written on keep-alive sockets, one request in flight per socket, the answer read by its
// Content-Length — as wrk or oha do, so that on a 2-core machine the client takes as little as it
// can from the server it measures (node:http costs several times this per request).
import net from "node:net";

export interface Answer {
  status: number;
  body: string;
}

/** One keep-alive connection: send a prepared request, get its answer. */
class Connection {
  private socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void } | null = null;

  constructor(url: URL) {
    this.socket = net.connect(Number(url.port), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.parse();
    });
    const fail = (e: Error) => {
      const w = this.waiting;
      this.waiting = null;
      w?.reject(e);
    };
    this.socket.on("error", fail);
    this.socket.on("close", () => fail(new Error("the server closed the connection")));
  }

  private parse() {
    const end = this.buffered.indexOf("\r\n\r\n");
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) {
      const w = this.waiting;
      this.waiting = null;
      w.reject(new Error(`answer without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const length = Number(m[1]);
    if (this.buffered.length < end + 4 + length) return;
    const body = this.buffered.toString("utf8", end + 4, end + 4 + length);
    this.buffered = this.buffered.subarray(end + 4 + length);
    const w = this.waiting;
    this.waiting = null;
    w.resolve({ status, body });
  }

  send(request: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close() {
    this.socket.destroy();
  }
}

/** `POST path` with a JSON body and the given headers, as bytes ready to write. */
export function jsonPost(url: URL, body: string, headers: Record<string, string>): Buffer {
  const payload = Buffer.from(body, "utf8");
  const head =
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("") +
    "\r\n";
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

/** `n` keep-alive connections to `url`'s host; `send` takes a free one (requests queue for one). */
export function requestPipe(url: URL, n: number) {
  const free = Array.from({ length: n }, () => new Connection(url));
  const all = [...free];
  const queue: ((c: Connection) => void)[] = [];
  return {
    async send(request: Buffer): Promise<Answer> {
      const c = free.pop() ?? (await new Promise<Connection>((r) => queue.push(r)));
      try {
        return await c.send(request);
      } finally {
        const next = queue.shift();
        if (next) next(c);
        else free.push(c);
      }
    },
    close() {
      for (const c of all) c.close();
    },
  };
}
