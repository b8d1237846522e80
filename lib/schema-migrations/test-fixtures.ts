// The small fleet the manifest and machine tests plan against.
import type { FleetCell } from "./manifest";

export const FLEET: FleetCell[] = [
  { id: "canary-us-internal", tier: "canary" },
  ...["smb-us-1", "smb-us-2", "smb-us-3", "smb-eu-1", "smb-eu-2"].map((id) => ({ id, tier: "smb" as const })),
  { id: "enterprise-us-hipaa", tier: "enterprise" },
  { id: "enterprise-eu-standard", tier: "enterprise" },
];
