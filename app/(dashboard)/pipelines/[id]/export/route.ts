// A stored pipeline as a native-form YAML download (the same text as `cellplane export pipeline ID`).
import { canView } from "@/lib/auth/permissions";
import { currentUser } from "@/lib/auth/server/session";
import { onePipeline } from "@/lib/rollouts/server/pipeline-queries";
import { exportPipelineYaml } from "@/lib/rollouts/pipeline-yaml";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!canView(user)) return new Response("Sign in first.\n", { status: 401 });
  const { id } = await params;
  const pipeline = await onePipeline(id);
  if (!pipeline) return new Response(`No pipeline "${id}".\n`, { status: 404 });
  return new Response(exportPipelineYaml(pipeline.spec), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="${pipeline.id}.yaml"` },
  });
}
