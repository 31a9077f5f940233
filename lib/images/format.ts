/** `12.3 MB`-style sizes for people (decimal units, like registries and `docker images` show them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * Text that came from an image or a registry (file names, control-file values, error bodies, headers), made
 * safe to print on a terminal or into a log: every control character (C0 with newline and tab, DEL, C1, so
 * escape sequences too), the line and paragraph separators and the bidirectional overrides are written as
 * escapes (`\n`, `\t`, `\x1b`, `\u202e`), so such text cannot forge lines of a report, move the cursor or
 * reorder what is shown. Printable text, including non-ASCII, passes unchanged.
 */
export function printable(text: unknown): string {
  const s = typeof text === 'string' ? text : String(text);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
