import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { approvalsInbox } from "@/lib/approvals/server/queries";
import { canDecideFlagChanges, canDecideGates } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { ApprovalsInbox } from "./inbox";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const user = await requireUser();
  const inbox = await approvalsInbox(user);
  return (
    <>
      <PageHeader
        title="Approvals inbox"
        subtitle={
          canDecideGates(user) || canDecideFlagChanges(user)
            ? "Every gate waiting for a decision — release gates, migration steps and protected flags' change requests. Gates of what you started or requested wait for someone else (four-eyes)."
            : "Every gate waiting for a decision. Release managers and admins decide release gates and migration steps; product owners and admins decide flag change requests."
        }
      />
      <ApprovalsInbox initial={inbox} />
    </>
  );
}
