import type { ApiOperation } from "@/lib/api/openapi";
import { releaseView } from "./api";
import { startReleaseSchema } from "./api";

export const rolloutOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/releases",
    tag: "Releases",
    auth: "releases:write",
    summary: "Start a release of one or more service versions through a pipeline",
    description:
      "The pipeline's cell selectors are resolved now (the plan is a snapshot). 409 when another active release rolls one of the same services.",
    body: startReleaseSchema,
    responses: {
      201: { description: "Started", schema: releaseView },
      404: { description: "Unknown pipeline" },
      409: { description: "Another active release of the same service" },
    },
  },
  {
    method: "get",
    path: "/api/v1/releases/{id}",
    tag: "Releases",
    auth: "releases:read",
    alsoAuth: ["releases:write"],
    summary: "A release's state: waves, cells, checks with measured values, approvals",
    description:
      "A token with `releases:read` (a dashboard, a CI step that only follows) or `releases:write` (the CI that started it). Also available to signed-in users.",
    responses: { 200: { description: "The release", schema: releaseView }, 404: { description: "Unknown release" } },
  },
];
