/** A healthy telemetry sample of `service` on `cell`, taken now (`o` overrides any field). */
export const healthySample = (cell: string, service: string, o: Record<string, unknown> = {}) => ({
  cell,
  service,
  ts: new Date().toISOString(),
  errorRate: 0.0002,
  p99Ms: 150,
  cpu: 0.3,
  rps: 100,
  ...o,
});
