// The signals a health source reads (kept apart from the PromQL parser, so forms can name them).
export const SIGNALS = ["errorRate", "p99", "cpu", "rps", "version"] as const;
export type Signal = (typeof SIGNALS)[number];

export const SIGNAL_LABELS: Record<Signal, string> = {
  errorRate: "Error rate (fraction of requests, 0–1)",
  p99: "p99 latency",
  cpu: "CPU (fraction of a core, 0–1)",
  rps: "Requests per second",
  version: "Running version (series labelled with the version)",
};
