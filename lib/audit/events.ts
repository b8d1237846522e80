// What an audit event says, and what every change returns: its result and its audit events.
// Pure: stores build these; the one door (server actions) or `withAudit` (CLI, seeds, HTTP routes,
// ticker jobs) writes them in the change's own transaction.

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /**
   * Who did it, when not the caller of the change: e.g. a release a migration starts on behalf of
   * the person who started the migration, while the ticker drives the migration.
   */
  actor?: string;
}

/** The result of a change together with the audit events that describe it. */
export interface Audited<T> {
  data: T;
  audit: AuditInput[];
}

/** `audit` as a list (a single event or a list). */
export const auditList = (audit: AuditInput | AuditInput[] | undefined): AuditInput[] =>
  audit === undefined ? [] : Array.isArray(audit) ? audit : [audit];
