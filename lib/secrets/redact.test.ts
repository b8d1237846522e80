import { describe, expect, it } from "vitest";
import {
  holdsSecrets,
  isRedactedUrl,
  redactAuditEvent,
  redactAuditInput,
  redactDeep,
  redactTarget,
  redactUrl,
  redactUrlsInText,
} from "./redact";

describe("redactUrl: scheme + host + /…", () => {
  it.each([
    ["https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX", "https://hooks.slack.com/…"],
    ["https://deploy.example.com/hook?token=s3cr3t", "https://deploy.example.com/…"],
    ["https://deploy.example.com?token=s3cr3t", "https://deploy.example.com/…"],
    ["https://user:p%40ss@hooks.example.com/a/b", "https://hooks.example.com/…"],
    ["http://127.0.0.1:4010/deploy#frag", "http://127.0.0.1:4010/…"],
    ["https://HOOKS.Example.COM:443/x", "https://hooks.example.com/…"],
    ["http://[::1]:8080/x?y", "http://[::1]:8080/…"],
    ["https://hooks.example.com", "https://hooks.example.com/…"],
    ["  https://hooks.example.com/x  ", "https://hooks.example.com/…"],
    ["https://hooks.example.com/…", "https://hooks.example.com/…"],
    ["not a url", "(redacted)"],
    ["", "(redacted)"],
    ["mailto:someone@example.com", "(redacted)"],
  ])("%s → %s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it("is idempotent, and knows its own output", () => {
    const once = redactUrl("https://hooks.slack.com/services/T/B/X");
    expect(redactUrl(once)).toBe(once);
    expect(isRedactedUrl(once)).toBe(true);
    expect(isRedactedUrl("https://hooks.slack.com/services/T/B/X")).toBe(false);
    expect(isRedactedUrl("https://hooks.slack.com/")).toBe(false);
  });
});

describe("redactUrlsInText", () => {
  it.each([
    ["notify: https://hooks.example.com/T/B/X\n", "notify: https://hooks.example.com/…\n"],
    ['notify: "https://hooks.example.com/T/B/X"', 'notify: "https://hooks.example.com/…"'],
    ["{ notify: https://a.example/x?t=1 }", "{ notify: https://a.example/… }"],
    ["posted to https://a.example/x?t=1.", "posted to https://a.example/…."],
    ["a http://a.example/1, and https://b.example/2", "a http://a.example/…, and https://b.example/…"],
    ["slack://enterprise-releases stays", "slack://enterprise-releases stays"],
    ["postgres://app:pw@db.internal:5432/cell_1", "postgres://db.internal:5432/…"],
    ["no url here", "no url here"],
  ])("%j", (input, expected) => {
    expect(redactUrlsInText(input)).toBe(expected);
  });
});

describe("redactTarget: channels are names, URLs are secrets", () => {
  it.each([
    ["slack://enterprise-releases", "slack://enterprise-releases"],
    ["https://hooks.example.com/T/B/X", "https://hooks.example.com/…"],
    ["HTTP://hooks.example.com/T", "http://hooks.example.com/…"],
    ["(none)", "(none)"],
  ])("%s → %s", (input, expected) => {
    expect(redactTarget(input)).toBe(expected);
  });
  it("keeps null", () => expect(redactTarget(null)).toBeNull());
});

describe("redactDeep", () => {
  it("redacts every string of a JSON value, keys kept", () => {
    expect(
      redactDeep({
        channels: { ops: "https://hooks.example.com/T/B/X" },
        deployWebhook: "https://deploy.example.com/h?token=1",
        n: 3,
        ok: true,
        none: null,
        list: ["slack://x", "https://a.example/b"],
      }),
    ).toEqual({
      channels: { ops: "https://hooks.example.com/…" },
      deployWebhook: "https://deploy.example.com/…",
      n: 3,
      ok: true,
      none: null,
      list: ["slack://x", "https://a.example/…"],
    });
  });
});

describe("audit events: redacted where they may hold secrets", () => {
  const event = (targetType: string, targetId: string) => ({
    targetType,
    targetId,
    before: { url: "https://hooks.example.com/T/B/X" },
    after: { url: "https://deploy.example.com/h?token=1" },
    reason: "moved from https://old.example/secret",
  });

  it.each([
    ["setting", "rollouts", true],
    ["pipeline", "standard", true],
    ["pipeline_change", "12", true],
    ["setting", "observability.links", false],
    ["setting", "gateway.cellRouter", false],
    ["route", "POST /v2/Messages", false],
    ["flag", "newVoiceCodec", false],
  ])("%s %s → redacted: %s", (targetType, targetId, redacted) => {
    expect(holdsSecrets({ targetType, targetId })).toBe(redacted);
    const shown = redactAuditEvent(event(targetType, targetId));
    expect(JSON.stringify(shown).includes("token=1")).toBe(!redacted);
    if (redacted) {
      expect(shown).toEqual({
        targetType,
        targetId,
        before: { url: "https://hooks.example.com/…" },
        after: { url: "https://deploy.example.com/…" },
        reason: "moved from https://old.example/…",
      });
    }
  });

  it("an event about to be written keeps its missing fields missing", () => {
    expect(
      redactAuditInput({ action: "pipeline.import", targetType: "pipeline", targetId: "x", after: { notify: "https://a.example/s" } }),
    ).toEqual({
      action: "pipeline.import",
      targetType: "pipeline",
      targetId: "x",
      after: { notify: "https://a.example/…" },
    });
  });
});
