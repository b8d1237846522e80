"use server";
// The blast radius preview: read-only, through the one door like every action (session → named
// permission → zod). Forms show it before their confirming click; the action behind that click
// computes it again and records what was shown (lib/changes/server/blast-radius.ts).
import { canView } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { blastTargetSchema } from "@/lib/changes/blast-radius";
import { loadBlastRadius } from "@/lib/changes/server/blast-radius";

export const previewBlastRadiusAction = defineAction({
  name: "preview a change's blast radius",
  permission: canView,
  input: blastTargetSchema,
  async run({ tx, input }) {
    return { data: await loadBlastRadius(tx, input, new Date()), audit: [] }; // reads only
  },
});
