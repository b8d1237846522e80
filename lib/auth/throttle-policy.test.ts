import { describe, expect, it } from "vitest";
import { clientAddress, delayAfterFailures, LOGIN_THROTTLE, retryMessage } from "./throttle-policy";

describe("sign-in throttling policy", () => {
  it.each([
    [0, 0],
    [1, 0],
    [LOGIN_THROTTLE.freeFailures, 0],
    [LOGIN_THROTTLE.freeFailures + 1, 1],
    [LOGIN_THROTTLE.freeFailures + 2, 2],
    [LOGIN_THROTTLE.freeFailures + 3, 4],
    [LOGIN_THROTTLE.freeFailures + 10, 512],
    [LOGIN_THROTTLE.freeFailures + 11, 900],
    [LOGIN_THROTTLE.freeFailures + 500, 900],
  ])("after %i consecutive failures the next attempt waits %i s", (n, seconds) => {
    expect(delayAfterFailures(n)).toBe(seconds);
  });

  it.each([
    [1, "Too many failed sign-in attempts. Try again in 1 second."],
    [0.2, "Too many failed sign-in attempts. Try again in 1 second."],
    [42, "Too many failed sign-in attempts. Try again in 42 seconds."],
    [61, "Too many failed sign-in attempts. Try again in 2 minutes."],
    [900, "Too many failed sign-in attempts. Try again in 15 minutes."],
  ])("a refusal after %s s says when to retry", (s, text) => {
    expect(retryMessage(s)).toBe(text);
  });

  it.each([
    [{ socket: "10.0.0.7", forwardedFor: "6.6.6.6", trustProxy: false }, "10.0.0.7"],
    [{ socket: "::ffff:10.0.0.7", forwardedFor: undefined, trustProxy: false }, "10.0.0.7"],
    [{ socket: undefined, forwardedFor: "6.6.6.6", trustProxy: false }, "unknown"],
    [{ socket: "10.0.0.1", forwardedFor: "6.6.6.6, 203.0.113.9", trustProxy: true }, "203.0.113.9"],
    [{ socket: "10.0.0.1", forwardedFor: ["6.6.6.6", "203.0.113.9"], trustProxy: true }, "203.0.113.9"],
    [{ socket: "10.0.0.1", forwardedFor: "", trustProxy: true }, "10.0.0.1"],
    [{ socket: "10.0.0.1", forwardedFor: `${"x".repeat(100)}`, trustProxy: true }, "10.0.0.1"],
  ])("client address of %j is %s", (input, address) => {
    expect(clientAddress(input)).toBe(address);
  });
});
