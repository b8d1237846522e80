import { simulatorFaults, test } from "../fixtures";

/**
 * In a describe of journeys that steer the fleet simulator: each may take `timeoutMs`, each starts
 * with no fault injected (it injects its own), and none is left injected after the last.
 */
export function steersSimulator(timeoutMs: number) {
  test.setTimeout(timeoutMs);
  test.beforeEach(() => simulatorFaults([]));
  test.afterAll(() => simulatorFaults([]));
}
