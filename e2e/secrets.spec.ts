import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import pg from "pg";
import { adminDatabaseUrl, apiToken, cli, expect, expectFieldRefused, open, test } from "./fixtures";

// Real-looking secrets, on hosts that never resolve (RFC 6761 .invalid): the chat webhook's path,
// the deploy webhook's token, an https notify target with credentials and a secret path.
const n = Date.now() % 1_000_000;
const CHAT = `https://hooks.chat.invalid/services/T0E2E${n}/B0E2E${n}/chatSecretE2E${n}`;
const DEPLOY = `https://deploy.ci.invalid/hook?token=deploySecretE2E${n}`;
const NOTIFY = `https://bot:pw${n}@hooks.chat.invalid/services/T0E2E${n}/BPIPE${n}/pipeSecretE2E${n}`;
/** Any of these in a page means a secret leaked. */
const FRAGMENTS = [`chatSecretE2E${n}`, `deploySecretE2E${n}`, `pipeSecretE2E${n}`, `T0E2E${n}`, `BPIPE${n}`, `pw${n}`];
const leaks = (text: string) => FRAGMENTS.filter((f) => text.includes(f));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-e2e-secrets-"));
const writeFile = (name: string, text: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
};

/** Fill and save Settings → Rollouts (as the signed-in admin); returns what was there before. */
async function saveRollouts(page: Page, channels: string, deployWebhook: string) {
  await open(page, "/settings");
  const form = page.getByTestId("rollouts-form");
  const before = {
    channels: await form.locator('textarea[name="channels"]').inputValue(),
    deploy: await form.locator('input[name="deployWebhook"]').inputValue(),
  };
  await form.locator('textarea[name="channels"]').fill(channels);
  await form.locator('input[name="deployWebhook"]').fill(deployWebhook);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  return before;
}

async function saveAllowlist(page: Page, hosts: string) {
  await open(page, "/settings");
  const form = page.getByTestId("outbound-form");
  await form.getByLabel("Allowed hosts").fill(hosts);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
}

/** The HTML the server sends (with its React payload) and the page as rendered, for one URL. */
async function bothViews(page: Page, request: APIRequestContext, url: string) {
  const raw = await request.get(url);
  expect(raw.status(), url).toBeLessThan(400);
  await open(page, url);
  return `${await raw.text()}\n${await page.content()}`;
}

test.describe("secrets stay secret", () => {
  test("a VIEWER finds no configured webhook secret on any page, in the audit log, the exports or the API", async ({
    page,
    loginAs,
    sessionAs,
  }) => {
    test.setTimeout(180_000);
    // As an admin: configure the webhooks (Settings shows them in full, to admins only).
    await loginAs("admin");
    await saveAllowlist(page, ""); // the default: the configured webhooks' hosts
    const previous = await saveRollouts(page, `e2e-ops = ${CHAT}`, DEPLOY);
    await open(page, "/settings");
    expect(leaks(await page.content())).toContain(`chatSecretE2E${n}`); // the scan finds what is there

    // A pipeline that notifies an https target with credentials (its host is a configured webhook's).
    const pipelineId = `e2e-secret-${n}`;
    const file = writeFile(
      "pipeline.yaml",
      `pipeline: { id: ${pipelineId}, name: Secret notify }\nwaves:\n  - name: canary\n    cells: [canary-us-internal]\n    bake: 1m\n    checks: [error_rate]\n    notify: ${NOTIFY}\n`,
    );
    cli(["import", "pipeline", file]);

    // A release through it: the deploy webhook and the notify target get deliveries.
    const token = apiToken(["releases:write"]);
    const started = await page.request.post("/api/v1/releases", {
      headers: { Authorization: `Bearer ${token}` },
      data: { pipeline: pipelineId, versions: { email: `v9.${n}.0` }, title: "secrets e2e" },
    });
    expect(started.status()).toBe(201);
    const releaseId = (await started.json()).id as string;
    await expect
      .poll(async () => (await (await page.request.get(`/api/v1/releases/${releaseId}`)).json()).status, { timeout: 90_000 })
      .toMatch(/^(succeeded|rolled_back|aborted)$/);

    // An audit event written before redaction existed (the whole URLs in before/after).
    const db = new pg.Client({ connectionString: adminDatabaseUrl() });
    await db.connect();
    await db.query(
      `INSERT INTO audit_events (actor, action, target_type, target_id, before, after) VALUES ('admin@cellplane.local', 'setting.update', 'setting', 'rollouts', $1, $2)`,
      [JSON.stringify({ deployWebhook: "" }), JSON.stringify({ channels: { "e2e-ops": CHAT }, deployWebhook: DEPLOY })],
    );
    await db.end();

    // Now as a VIEWER: every main page, the audit log, the exports and the API.
    const viewer = await sessionAs("viewer");
    const vpage = await viewer.newPage();
    const migrationId = `e2e-secrets-${n}`;
    cli([
      "import",
      "migration",
      writeFile(
        "migration.yaml",
        fs
          .readFileSync("examples/migration-manifest.sql.yaml", "utf8")
          .replace('id: "2025-01-15-recipient-id-column"', `id: "${migrationId}"`),
      ),
    ]);
    const pages = [
      "/",
      "/fleet",
      "/cells/canary-us-internal",
      "/alerts",
      "/releases",
      `/releases/${releaseId}`,
      "/approvals",
      "/pipelines",
      `/pipelines/${pipelineId}`,
      "/flags",
      "/flags/newVoiceCodec",
      "/gateway",
      "/migrations",
      `/migrations/${migrationId}`,
      "/audit",
      "/audit?targetType=setting",
      `/audit?targetType=pipeline&targetId=${pipelineId}`,
      "/settings",
    ];
    for (const url of pages) expect(leaks(await bothViews(vpage, viewer.request, url)), url).toEqual([]);

    // What the viewer sees instead: scheme + host + /….
    await open(vpage, `/releases/${releaseId}`);
    await expect(vpage.getByTestId("deliveries")).toContainText("→ https://deploy.ci.invalid/…");
    await expect(vpage.getByTestId("deliveries")).toContainText("→ https://hooks.chat.invalid/…");
    await open(vpage, "/audit?targetType=setting&targetId=rollouts");
    await expect(vpage.getByTestId("audit-row").first()).toContainText('"deployWebhook":"https://deploy.ci.invalid/…"');
    await open(vpage, `/pipelines/${pipelineId}`);
    await expect(vpage.getByTestId("badge-notify")).toHaveText("https://hooks.chat.invalid/…");

    // Exports and API answers.
    const exported = await viewer.request.get(`/pipelines/${pipelineId}/export`);
    expect(exported.status()).toBe(200);
    expect(leaks(await exported.text())).toEqual([]);
    expect(await exported.text()).toContain("https://hooks.chat.invalid/…");
    expect(leaks(cli(["export", "pipeline", pipelineId]))).toEqual([]);
    expect(leaks(await (await viewer.request.get(`/api/v1/releases/${releaseId}`)).text())).toEqual([]);
    await viewer.close();

    await saveRollouts(page, previous.channels, previous.deploy);
  });

  test("the outbound allowlist: an admin's list refuses a webhook on another host when it is saved", async ({ page, loginAs }) => {
    await loginAs("admin");
    await saveAllowlist(page, "hooks.chat.invalid");
    await expect(page.getByTestId("outbound-effective")).toContainText("Allowed now: hooks.chat.invalid");
    await open(page, "/settings");
    await expectFieldRefused(
      page.getByTestId("rollouts-form"),
      "deployWebhook",
      "http://169.254.169.254/latest/meta-data",
      "outbound allowlist does not admit",
      "host 169.254.169.254 is not on the outbound allowlist (Settings → Outbound calls)",
    );
    await saveAllowlist(page, "");
    await expect(page.getByTestId("outbound-effective")).toContainText(
      "The list is empty, so only the hosts of the webhooks above are allowed",
    );
  });
});

test.describe("policy changes need a second pair of eyes", () => {
  test("a release manager's import that removes the enterprise gate waits; the proposer cannot approve; a second release manager approves", async ({
    openAs,
    loginAs,
  }) => {
    const id = `e2e-gate-${n}`;
    const standard = fs
      .readFileSync("examples/standard-pipeline.yaml", "utf8")
      .replace("id: standard", `id: ${id}`)
      .replace("name: Standard wave rollout", "name: Four-eyes e2e"); // other specs look for "standard"
    cli(["import", "pipeline", writeFile("gate.yaml", standard)]);

    const page = await openAs("release", "/pipelines/import");
    await page.getByLabel("Pipeline YAML").fill(standard.replace("requires_approval: true ", "requires_approval: false"));
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText(`Not applied yet: this import changes the policy of ${id}`);
    await expect(page.getByTestId("import-policy-changes")).toContainText("wave enterprise: approval gate removed");
    await page.getByRole("link", { name: "Open the pending change" }).click();
    await expect(page.getByTestId("change-diff")).toContainText("− requires_approval: true");
    await expect(page.getByTestId("change-not-allowed")).toContainText("Four-eyes: you proposed this change");
    await expect(page.getByRole("button", { name: "Approve and apply" })).toHaveCount(0);
    const changeUrl = page.url();

    await open(page, `/pipelines/${id}`);
    await expect(page.getByTestId("pipeline-pending-changes")).toContainText("by release@cellplane.local");
    await expect(page.locator('[data-wave="enterprise"]').getByTestId("badge-approval")).toBeVisible();

    await loginAs("release2");
    await open(page, changeUrl);
    await page.getByLabel("Decision comment").fill("the enterprise gate moves to the CAB");
    await page.getByRole("button", { name: "Approve and apply" }).click();
    await expect(page.getByTestId("change-status")).toContainText("Approved by release2@cellplane.local");
    await open(page, `/pipelines/${id}`);
    await expect(page.locator('[data-wave="enterprise"]').getByTestId("badge-approval")).toHaveCount(0);
    await expect(page.getByText("v2, updated by release@cellplane.local")).toBeVisible();
  });
});

test.describe("releases API read scope", () => {
  test("a releases:read token follows a release but cannot start one; releases:write still reads; other scopes are refused", async ({
    request,
  }) => {
    // The canary validates once it has seen 100 requests on the new version; video on the canary
    // serves a few a second, so the release may take a minute to end (the poll below allows 90 s).
    test.setTimeout(150_000);
    const writer = { Authorization: `Bearer ${apiToken(["releases:write"])}` };
    const reader = { Authorization: `Bearer ${apiToken(["releases:read"])}` };
    const other = { Authorization: `Bearer ${apiToken(["fleet:read"])}` };
    const pipeline = `e2e-read-${n}`;
    const file = `pipeline: { id: ${pipeline}, name: Canary only }\nwaves:\n  - name: canary\n    cells: [canary-us-internal]\n    bake: 1m\n    checks: [error_rate]\n`;
    cli(["import", "pipeline", writeFile("read.yaml", file)]);
    const body = { pipeline, versions: { video: `v9.${n}.1` }, title: "read scope e2e" };
    expect((await request.post("/api/v1/releases", { headers: reader, data: body })).status()).toBe(403);
    const created = await request.post("/api/v1/releases", { headers: writer, data: body });
    expect(created.status()).toBe(201);
    const { id } = await created.json();
    const read = await request.get(`/api/v1/releases/${id}`, { headers: reader });
    expect(read.status()).toBe(200);
    expect((await read.json()).id).toBe(id);
    expect((await request.get(`/api/v1/releases/${id}`, { headers: writer })).status()).toBe(200);
    const refused = await request.get(`/api/v1/releases/${id}`, { headers: other });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.message).toBe("token lacks scope releases:read or releases:write");
    expect((await request.get(`/api/v1/releases/${id}`)).status()).toBe(401);
    // One canary wave: the release ends by itself and blocks no later release of the service.
    await expect
      .poll(async () => (await (await request.get(`/api/v1/releases/${id}`, { headers: reader })).json()).status, { timeout: 90_000 })
      .toMatch(/^(succeeded|rolled_back|aborted)$/);
  });
});
