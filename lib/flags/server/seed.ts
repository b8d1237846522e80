// The demo flags, seeded once per database (a marker row written in the same transaction), after
// the demo fleet and customers exist. They go through the same validation and upsert as an import.
import { withAudit } from "@/lib/audit/server/record";
import type { Db } from "@/lib/db/client";
import { checkFlagsDocument, mentionedCustomers, type FlagsDocument } from "../flags-yaml";
import type { FlagSpec } from "../model";
import { standardRamp } from "../schedule";
import { applyFlags, flagRefs } from "./store";

export const DEMO_FLAGS_MARKER = "demo-seed:flags:v1";

const DAY = 24 * 60 * 60 * 1000;

/** newVoiceCodec on the runbook's plan (0 → 5 → 25 → 100 over a week from `now`), and three more in other states (one protected). */
export function demoFlags(now: Date): FlagSpec[] {
  const none = { tiers: [], cells: [], regions: [] };
  return [
    {
      key: "newVoiceCodec",
      description: "Opus-based wideband voice codec: deployed to every cell, activated customer by customer.",
      owner: "voice-team",
      enabled: true,
      rolloutPercentage: 0,
      allowlist: ["enterprise-customer-123"],
      salt: "newVoiceCodec",
      targeting: none,
      schedule: standardRamp(now),
      requires: {},
      guard: null,
    },
    {
      key: "smsDeliveryReceiptsV2",
      description: "Richer SMS delivery receipts with carrier error codes; fully rolled out, kept as a kill switch.",
      owner: "messaging-team",
      enabled: true,
      rolloutPercentage: 100,
      allowlist: [],
      salt: "smsDeliveryReceiptsV2",
      targeting: none,
      schedule: [],
      requires: {},
      guard: null,
    },
    {
      key: "whatsappRichMedia",
      description: "Rich media templates for WhatsApp, trialled with SMB customers homed in Europe.",
      owner: "messaging-team",
      enabled: true,
      rolloutPercentage: 50,
      allowlist: [],
      salt: "whatsappRichMedia",
      targeting: { tiers: ["smb"], cells: [], regions: ["eu-west-1", "eu-central-1"] },
      schedule: [{ at: new Date(now.getTime() + 3 * DAY), percentage: 100 }],
      requires: {},
      guard: null,
    },
    {
      key: "videoBackgroundBlur",
      description: "Server-side background blur for video calls. Switched off after a CPU regression in smb cells.",
      owner: "video-team",
      enabled: false,
      rolloutPercentage: 25,
      allowlist: ["enterprise-customer-123"],
      salt: "videoBackgroundBlur",
      targeting: none,
      schedule: [],
      requires: {},
      guard: null,
      // After the regression every change waits for a second product owner or an admin (change requests).
      protected: true,
    },
  ];
}

/** Seed the demo flags once. Returns false when this database already has them. */
export async function seedDemoFlags(db: Db, now = new Date()): Promise<boolean> {
  const specs = demoFlags(now);
  const doc: FlagsDocument = { flags: specs, lineOf: () => undefined };
  checkFlagsDocument(doc, await flagRefs(db, mentionedCustomers(doc)));
  return db.$transaction(
    async (tx) => {
      const claimed = await tx.systemMarker.createMany({ data: [{ key: DEMO_FLAGS_MARKER }], skipDuplicates: true });
      if (claimed.count === 0) return false;
      await withAudit(tx, "system:seed", (tx) => applyFlags(tx, specs, "demo", now));
      return true;
    },
    { timeout: 30_000 },
  );
}
