// How `npm start` runs the simulator in demo mode: its token and its faults file. Tests that inject
// faults into a running demo write `faultsFilePath(<CELLPLANE_DATA_DIR>)` (see faults.ts for the shape).
import path from "node:path";
import type { TokenScope } from "@/lib/auth/roles";

/** The simulator's API token: replaced at every start (only its hash is stored). */
export const SIMULATOR_TOKEN_NAME = "fleet-simulator";
/** `flags:read`: the `flag` fault asks where a flag is on (GET /api/v1/flags/{key}/cells). */
export const SIMULATOR_SCOPES: TokenScope[] = ["telemetry:write", "fleet:read", "cells:agent", "flags:read"];

export const FAULTS_FILE_NAME = "simulator-faults.json";

/** The faults file the demo simulator re-reads every tick. */
export function faultsFilePath(dataDir: string): string {
  return path.resolve(dataDir, FAULTS_FILE_NAME);
}
