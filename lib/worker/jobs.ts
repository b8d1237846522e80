// Every background job, gathered from the domains. Each step is idempotent and transactional.
import type { Job } from "./ticker";

export const jobs: Job[] = [];
