// Every background job, gathered from the domains. Each step is idempotent and transactional.
import { healthJobs } from "@/lib/health/jobs";
import { rolloutJobs } from "@/lib/rollouts/jobs";
import { migrationJobs } from "@/lib/schema-migrations/jobs";
import type { Job } from "./ticker";

export const jobs: Job[] = [...healthJobs, ...rolloutJobs, ...migrationJobs];
