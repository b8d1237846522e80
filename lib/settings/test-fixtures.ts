// The Settings thresholds form for the tests (not a test file itself): the values the form posts
// for the default thresholds, in the form's units (percent, ms, minutes, days).
export const THRESHOLDS_FORM = {
  redErrorPct: 1,
  redP99Ms: 1000,
  silenceMin: 5,
  yellowErrorPct: 0.1,
  yellowP99Ms: 500,
  yellowCpuPct: 85,
  alertAfterMin: 2,
  retentionDays: 7,
};
