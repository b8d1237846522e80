// Closing a connection after an answer given before the request body was read (401/403 before
// any reading, 413 at the limit): the answer says `Connection: close`, and Node.js then closes the
// socket as soon as the answer is written. Closing a socket whose unread body bytes are still
// waiting makes the kernel send a reset, which can reach the client before it has read the answer
// — it then sees ECONNRESET instead of the 401 or 413. So the app server closes such connections
// the way web servers do ("lingering close"): it sends the answer and a FIN, reads nothing more,
// and closes for good when the client has closed its side or after LINGER_MS, whichever comes
// first. A client that keeps sending is held back by TCP flow control meanwhile: nothing more is
// read or buffered by the app.
import type http from "node:http";
import type { Socket } from "node:net";

export const LINGER_MS = 2_000;

/** Make every connection of `server` linger as above when Node.js closes it after an answer. */
export function lingerOnClose(server: http.Server, lingerMs = LINGER_MS): http.Server {
  server.on("connection", (socket: Socket) => {
    socket.destroySoon = function lingeringClose(this: Socket) {
      if (this.writable) this.end();
      this.setTimeout(lingerMs, () => this.destroy());
    };
  });
  return server;
}
