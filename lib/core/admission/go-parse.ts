// What CNPG's webhook gets from Go's standard library when it parses a string: strconv.ParseBool, path/filepath.Clean,
// encoding/base64.StdEncoding, time.ParseDuration and regexp (RE2) compilation, so that a rule refuses exactly
// the strings Go refuses.

/** `strconv.ParseBool`: undefined when Go returns an error. */
export function goParseBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/** `path/filepath.Clean` on Linux (the lexical rules of Go's path.Clean). */
export function goCleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * `base64.StdEncoding.DecodeString`: the standard alphabet with `=` padding, where `\r` and `\n` are ignored;
 * undefined when Go reports an error (wrong length, bad character, padding in the middle, non-zero trailing bits).
 */
export function goBase64Decode(s: string): Buffer | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(={0,2})$/.test(clean)) return undefined;
  const decoded = Buffer.from(clean, 'base64');
  // Go refuses encodings whose unused bits are not zero: re-encoding must give the same text.
  return decoded.toString('base64') === clean ? decoded : undefined;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };

/** `time.ParseDuration`: `[-+]` then one or more `<number><unit>` (`1h30m`, `0.5s`); `0` alone is allowed. */
export function goParseDuration(s: string): number | undefined {
  const body = s.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (body === '') return undefined;
  const re = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < body.length) {
    re.lastIndex = i;
    const m = re.exec(body);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    i = re.lastIndex;
  }
  return s.startsWith('-') ? -total : total;
}

/**
 * Whether Go's `regexp.Compile` (RE2 syntax) accepts a pattern. JavaScript's engine is the judge of the common syntax;
 * RE2's own forms are translated first (`(?P<name>`, leading `(?flags)` groups, `\z`, `\A`), and what RE2 lacks is
 * refused (look-around, back-references).
 */
export function goRegexpCompiles(pattern: string): boolean {
  if (/\(\?<?[=!]/.test(pattern) || /\\[1-9]/.test(pattern) || /\\k</.test(pattern)) return false;
  let p = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^');
  p = p.replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]*-?[imsU]*:/g, '(?:');
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}
