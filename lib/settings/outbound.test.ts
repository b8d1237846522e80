import { describe, expect, it } from "vitest";
import { effectiveAllowlist, outboundProblem, outboundSettingsSchema, parseHostLines, webhookProblems } from "./outbound";

const webhooks = {
  channels: { ops: "https://hooks.slack.com/services/T/B/X", dev: "" },
  deployWebhook: "http://127.0.0.1:4010/deploy?token=s3cr3t",
};

describe("effectiveAllowlist", () => {
  it("is the admin's list when it has entries", () => {
    expect(effectiveAllowlist({ hosts: ["hooks.example.com"] }, webhooks)).toEqual({ hosts: ["hooks.example.com"], source: "settings" });
  });
  it("is the configured webhooks' hosts (with their port when not the default) when the list is empty", () => {
    expect(effectiveAllowlist({ hosts: [] }, webhooks)).toEqual({ hosts: ["127.0.0.1:4010", "hooks.slack.com"], source: "webhooks" });
    expect(effectiveAllowlist({ hosts: [] }, { channels: {}, deployWebhook: "" })).toEqual({ hosts: [], source: "webhooks" });
  });
  it("with an empty list, also the hosts of alert routes' URLs (slack:// routes name a channel above)", () => {
    const alerting = { routes: [{ target: "https://events.pagerduty.com/v2/enqueue" }, { target: "slack://ops" }] };
    expect(effectiveAllowlist({ hosts: [] }, webhooks, alerting).hosts).toEqual([
      "127.0.0.1:4010",
      "events.pagerduty.com",
      "hooks.slack.com",
    ]);
    expect(effectiveAllowlist({ hosts: ["only.example"] }, webhooks, alerting).hosts).toEqual(["only.example"]);
  });
});

describe("outboundProblem", () => {
  const list = (...hosts: string[]) => ({ hosts, source: "settings" as const });
  it.each([
    ["https://hooks.example.com/T/B/X", ["hooks.example.com"], null],
    ["https://hooks.example.com:8443/x", ["hooks.example.com"], null],
    [
      "https://hooks.example.com:8443/x",
      ["hooks.example.com:443"],
      "host hooks.example.com:8443 is not on the outbound allowlist (Settings → Outbound calls)",
    ],
    ["https://hooks.example.com/x", ["hooks.example.com:443"], null],
    ["http://hooks.example.com/x", ["hooks.example.com:80"], null],
    ["https://a.hooks.example.com/x", ["*.example.com"], null],
    ["https://example.com/x", ["*.example.com"], "host example.com is not on the outbound allowlist (Settings → Outbound calls)"],
    ["https://evilexample.com/x", ["*.example.com"], "host evilexample.com is not on the outbound allowlist (Settings → Outbound calls)"],
    [
      "https://hooks.example.com.evil.io/x",
      ["hooks.example.com"],
      "host hooks.example.com.evil.io is not on the outbound allowlist (Settings → Outbound calls)",
    ],
    ["https://user:pw@hooks.example.com/x", ["hooks.example.com"], null],
    [
      "http://169.254.169.254/latest/meta-data",
      ["hooks.example.com"],
      "host 169.254.169.254 is not on the outbound allowlist (Settings → Outbound calls)",
    ],
    ["http://[::1]:8080/x", ["[::1]:8080"], null],
    ["http://localhost:4010/x", ["127.0.0.1:4010"], "host localhost:4010 is not on the outbound allowlist (Settings → Outbound calls)"],
    ["file:///etc/passwd", ["hooks.example.com"], "not an http(s) URL"],
    ["gopher://hooks.example.com/x", ["hooks.example.com"], "not an http(s) URL"],
    ["nonsense", ["hooks.example.com"], "not an http(s) URL"],
  ] as const)("%s with %j → %s", (url, hosts, expected) => {
    expect(outboundProblem(url, list(...hosts))).toBe(expected);
  });

  it("with the default list, the reason says which hosts are allowed and why", () => {
    expect(outboundProblem("https://elsewhere.example/x", effectiveAllowlist({ hosts: [] }, webhooks))).toBe(
      "host elsewhere.example is not allowed: with an empty outbound allowlist only the hosts of the webhooks in Settings → Rollouts and Alerting are (127.0.0.1:4010, hooks.slack.com)",
    );
    expect(outboundProblem("http://127.0.0.1:4010/other", effectiveAllowlist({ hosts: [] }, webhooks))).toBeNull();
    expect(outboundProblem("http://127.0.0.1:4011/other", effectiveAllowlist({ hosts: [] }, webhooks))).toMatch(
      /^host 127.0.0.1:4011 is not allowed/,
    );
  });

  it("never repeats the path or query of the refused URL", () => {
    expect(outboundProblem("https://elsewhere.example/T/B/secret?token=1", list("a.example"))).not.toMatch(/secret|token/);
  });
});

describe("parseHostLines and the schema", () => {
  it("reads one entry a line, lower-cased, skipping blanks, comments and repeats", () => {
    expect(parseHostLines("Hooks.Slack.com\n\n# the CI\ndeploy.internal:8443  # port too\n*.example.com\nhooks.slack.com\n")).toEqual({
      hosts: ["hooks.slack.com", "deploy.internal:8443", "*.example.com"],
      problems: [],
    });
  });
  it("names each bad line", () => {
    expect(parseHostLines("ok.example\nhttps://x.example/y\nfoo bar\n*.\n").problems).toEqual([
      'line 2: "https://x.example/y" is not a host name, host:port or *.domain',
      'line 3: "foo bar" is not a host name, host:port or *.domain',
      'line 4: "*." is not a host name, host:port or *.domain',
    ]);
  });
  it("the stored form is checked by the same rule", () => {
    expect(outboundSettingsSchema.safeParse({ hosts: ["a.example", "[::1]:80", "10.0.0.1"] }).success).toBe(true);
    expect(outboundSettingsSchema.safeParse({ hosts: ["a.example/x"] }).success).toBe(false);
  });
});

describe("webhookProblems: saving webhooks the allowlist does not admit", () => {
  it("names each refused channel and the deploy webhook under their form fields", () => {
    expect(webhookProblems(webhooks, { hosts: ["hooks.slack.com"] })).toEqual({
      deployWebhook: ["host 127.0.0.1:4010 is not on the outbound allowlist (Settings → Outbound calls)"],
    });
    expect(
      webhookProblems(
        { channels: { ops: "https://x.example/s", dev: "https://hooks.slack.com/s" }, deployWebhook: "" },
        { hosts: ["hooks.slack.com"] },
      ),
    ).toEqual({
      channels: ["ops: host x.example is not on the outbound allowlist (Settings → Outbound calls)"],
    });
    expect(webhookProblems(webhooks, { hosts: ["hooks.slack.com", "127.0.0.1"] })).toBeNull();
  });
  it("the empty (default) list admits every configured webhook", () => {
    expect(webhookProblems(webhooks, { hosts: [] })).toBeNull();
  });
});
