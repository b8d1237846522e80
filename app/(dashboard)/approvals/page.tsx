import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { approvalsInbox } from "@/lib/approvals/server/queries";
import { canDecideGates } from "@/lib/auth/permissions";
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
          canDecideGates(user)
            ? "Every gate waiting for a decision — release gates and migration steps. Gates of what you started wait for another release manager (four-eyes)."
            : "Every gate waiting for a decision. Release managers and admins decide them."
        }
      />
      <ApprovalsInbox initial={inbox} />
    </>
  );
}
