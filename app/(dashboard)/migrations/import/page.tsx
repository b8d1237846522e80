import type { Metadata } from "next";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { Card, PageHeader } from "@/components/page-header";
import { canRunMigrations } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { ImportMigrationForm } from "./import-form";

export const metadata: Metadata = { title: "Import a migration" };

export default async function ImportMigrationPage() {
  const user = await requireUser();
  return (
    <>
      <Breadcrumbs trail={[{ href: "/migrations", label: "Migrations" }]} here="import" />
      <PageHeader
        title="Import a migration manifest"
        subtitle="The examples/migration-manifest.yaml shape. Script paths resolve against the examples/ folder; every problem is listed with its line."
      />
      <Card>
        {canRunMigrations(user) ? (
          <ImportMigrationForm />
        ) : (
          <p className="text-sm text-slate-600">Only release managers and admins import migrations (you are {user.role}).</p>
        )}
      </Card>
    </>
  );
}
