import type { Metadata } from "next";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { ImportPage } from "@/components/ui/import-page";
import { canChangeRoutes } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { GatewayImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import gateway config" };

export default async function ImportGatewayPage() {
  const allowed = canChangeRoutes(await requireUser());
  return (
    <ImportPage
      trail={<Breadcrumbs trail={[{ href: "/gateway", label: "API versions" }]} here="import" />}
      title="Import gateway config"
      subtitle="Make the edge route table match a Landing Zone config (the shape of examples/api-gateway-config.yaml). Routes missing from the file are removed; a route the file would start serving must pass the readiness gate; nothing changes unless the whole file is valid."
      refusal={
        allowed
          ? null
          : "Only release managers and admins can import a gateway config. You can preview a file, but applying it will be refused."
      }
    >
      <GatewayImportForm />
    </ImportPage>
  );
}
