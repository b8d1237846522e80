// Where the browser goes after signing in. Only a path on this origin is accepted: "/" followed by
// anything but a second "/" or "\" (browsers read "//host" and "/\host" as another host), with no
// control characters or whitespace (browsers drop tabs and newlines, so "/\t/host" becomes
// "//host"). Anything else goes to "/".
export function safeCallbackPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2048) return "/";
  if (!raw.startsWith("/")) return "/";
  if (raw[1] === "/" || raw[1] === "\\") return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\s\\]/.test(raw)) return "/";
  return raw;
}
