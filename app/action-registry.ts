// Every server action of the app, for whoever needs to enumerate them (the role × action matrix
// and the audit test in tests/integration/actions.test.ts). Each `actions.ts` module under app/ is
// listed by its folder; every export of those modules is an action built with `defineAction`.
// A test fails when an `actions.ts` file exists that is not listed here.
import * as alerts from "./(dashboard)/alerts/actions";
import * as changes from "./(dashboard)/changes/actions";
import * as flags from "./(dashboard)/flags/actions";
import * as fleetImport from "./(dashboard)/fleet/import/actions";
import * as gateway from "./(dashboard)/gateway/actions";
import * as migrations from "./(dashboard)/migrations/actions";
import * as pipelineChanges from "./(dashboard)/pipelines/changes/actions";
import * as pipelinesImport from "./(dashboard)/pipelines/import/actions";
import * as releases from "./(dashboard)/releases/actions";
import * as settings from "./(dashboard)/settings/actions";

/** The `actions.ts` modules, by their folder under app/. */
export const ACTION_MODULES: Record<string, Record<string, unknown>> = {
  "(dashboard)/alerts": alerts,
  "(dashboard)/changes": changes,
  "(dashboard)/flags": flags,
  "(dashboard)/fleet/import": fleetImport,
  "(dashboard)/gateway": gateway,
  "(dashboard)/migrations": migrations,
  "(dashboard)/pipelines/changes": pipelineChanges,
  "(dashboard)/pipelines/import": pipelinesImport,
  "(dashboard)/releases": releases,
  "(dashboard)/settings": settings,
};
