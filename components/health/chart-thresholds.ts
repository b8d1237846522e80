// The lines the series charts draw: the health thresholds a cell's metrics turn yellow and red at.
import type { Thresholds } from "@/lib/health/thresholds";

export interface ChartThresholds {
  errorRed: number;
  errorYellow: number;
  p99Red: number;
  p99Yellow: number;
  cpuYellow: number;
}

export function chartThresholds(t: Thresholds): ChartThresholds {
  return {
    errorRed: t.red.errorRate,
    errorYellow: t.yellow.errorRate,
    p99Red: t.red.p99Ms,
    p99Yellow: t.yellow.p99Ms,
    cpuYellow: t.yellow.cpu,
  };
}
