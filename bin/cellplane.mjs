#!/usr/bin/env node
// `npx cellplane …`: the command-line interface (scripts/cli.ts), run through tsx.
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname });
await import("../scripts/cli.ts");
