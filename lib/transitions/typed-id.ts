// The typed confirmation of a command that reaches every cell of a stored machine (aborting a
// release, rolling a whole migration back): the person types the machine's id (pure).
import { z } from "zod";
import { confirms } from "@/lib/fleet/consequences";

/** A command's id and reason, and `confirm`, which must repeat the id; `message` is the field's error when it does not. */
export function withTypedId(input: z.ZodObject<{ id: z.ZodString; reason: z.ZodString }>, message: string) {
  return input
    .extend({ confirm: z.string().max(200).default("") })
    .refine((i) => confirms(i.confirm, i.id), { path: ["confirm"], message });
}
