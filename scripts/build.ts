// `npm run build`: the production build, stamped with the sources it was built from, so that
// `npm start` (and the e2e server) reuse it instead of building again.
import { buildIfStale } from "./runtime";

try {
  buildIfStale((l) => console.log(`[build] ${l}`));
  console.log("[build] up to date");
} catch (e) {
  console.error(`[build] ${(e as Error).message}`);
  process.exit(1);
}
