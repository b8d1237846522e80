// The input of a decision on a numbered request (a flag change request, a pipeline policy change): pure.
import { z } from "zod";

/** The request's number (`what` is the message for one that is not) and the comment saying why. */
export function decisionInput(what: string) {
  return z.object({
    id: z.string().regex(/^\d{1,18}$/, what),
    comment: z.string().trim().min(3, "say why, in at least 3 characters").max(1000),
  });
}
