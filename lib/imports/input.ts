// The fields every YAML import action takes (pure): the file's text and whether to preview or apply.
import { z } from "zod";

/** `yaml`: the pasted or uploaded file (`what` names it in the message for an empty one); `mode`: preview or apply. */
export function yamlImportFields(what: string) {
  return {
    yaml: z.string().min(1, `paste or upload ${what}`).max(1_000_000, "the file is larger than 1 MB"),
    mode: z.enum(["preview", "apply"]).default("apply"),
  };
}
