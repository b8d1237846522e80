// Types of scripts/build-cli.mjs (plain JavaScript so that it runs at install time).

/** Where `npm install` and `npm run build` put the built CLI. */
export const CLI_DIR: string;
/** The entry module of a build in `dir`. */
export function cliEntry(dir?: string): string;
/** Is the build in `dir` there and made from the sources as they are now? */
export function cliBuildIsCurrent(dir?: string): boolean;
/** Build the CLI into `dir`; resolves to the files written (relative to `dir`). */
export function buildCli(options?: { dir?: string }): Promise<string[]>;
