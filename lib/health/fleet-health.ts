// The fleet's current health as the global view and GET /api/v1/fleet/health see it. Types only;
// loadFleetHealth (server/store.ts) builds it, the compact feed (feed.ts) encodes it.
import type { Status } from "./classify";

export interface ServiceState {
  service: string;
  status: Status;
  reasons: string[];
  since: string | null;
  lastSampleAt: string | null;
  errorRate: number | null;
  p99Ms: number | null;
  cpu: number | null;
  rps: number | null;
  observedVersion: string | null;
  desiredVersion: string | null;
}

export interface CellState {
  id: string;
  tier: string;
  region: string;
  status: Status;
  services: ServiceState[];
}

export interface FleetHealth {
  generatedAt: string;
  services: string[];
  counts: Record<Status, number>;
  cells: CellState[];
}
