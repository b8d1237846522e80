import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/page-header";
import { canEditSettings } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { readSetting, SETTINGS } from "@/lib/settings/store";
import { LinksForm, RunbookForm, ThresholdsForm } from "./settings-forms";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  if (!canEditSettings(user)) {
    return (
      <>
        <PageHeader title="Settings" />
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">Only admins can change settings.</p>
      </>
    );
  }
  const [thresholds, links, books] = await Promise.all([readSetting(db(), SETTINGS.thresholds), readSetting(db(), SETTINGS.links), db().runbook.findMany({ orderBy: { id: "asc" } })]);
  return (
    <>
      <PageHeader title="Settings" subtitle="Health thresholds, links to logs and traces, and runbooks. Every change is audited." />
      <div className="space-y-6">
        <Card title="Health thresholds">
          <ThresholdsForm value={thresholds.value} version={thresholds.version} />
        </Card>
        <Card title="Observability links">
          <LinksForm value={links.value} version={links.version} />
        </Card>
        <Card title="Runbooks (one template for every cell)">
          <div className="grid gap-6 lg:grid-cols-2">
            {books.map((b) => <RunbookForm key={`${b.id}:${b.version}`} id={b.id} title={b.title} body={b.body} version={b.version} />)}
            <RunbookForm id="" title="" body="" version={0} />
          </div>
        </Card>
      </div>
    </>
  );
}
