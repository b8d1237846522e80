// The audit trail of one thing (a release, a migration) in a card: the compact audit table in a box
// that scrolls past 24 rem.
import { AuditTable } from "@/components/audit-table";
import { Card } from "@/components/page-header";
import type { AuditEvent } from "@/lib/generated/prisma/client";

export function AuditTrailCard({ title, rows }: { title: string; rows: AuditEvent[] }) {
  return (
    <Card title={title}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <div className="-m-4 max-h-96 overflow-auto" tabIndex={0}>
        <AuditTable rows={rows} compact />
      </div>
    </Card>
  );
}
