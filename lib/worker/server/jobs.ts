// Every background job, gathered from the domains. Each step is idempotent and transactional.
import { alertJobs } from "@/lib/alerts/server/jobs";
import { flagJobs } from "@/lib/flags/server/jobs";
import { changeJobs } from "@/lib/changes/server/jobs";
import { healthJobs } from "@/lib/health/server/jobs";
import { rolloutJobs } from "@/lib/rollouts/server/jobs";
import { migrationJobs } from "@/lib/schema-migrations/server/jobs";
import type { Job } from "./ticker";

export const jobs: Job[] = [...healthJobs, ...alertJobs, ...rolloutJobs, ...migrationJobs, ...flagJobs, ...changeJobs];
