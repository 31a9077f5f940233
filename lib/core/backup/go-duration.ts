// Go's time.ParseDuration, which CNPG uses for `@every <duration>` schedules (robfig/cron v1.2.0
// parser.go, parseDescriptor) and for metav1.Duration fields such as `replica.minApplyDelay`.

const NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5
  μs: 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX = (1n << 63n) - 1n;

/**
 * The nanoseconds of a Go duration (`1h30m`, `300ms`, `1.5h`, `-2m`), or an error message worded as Go's.
 * Mirrors go/src/time/format.go, ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`.
 */
export function parseGoDuration(text: string): { nanos: bigint } | { error: string } {
  const invalid = { error: `time: invalid duration ${JSON.stringify(text)}` };
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { nanos: 0n };
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid;
    const whole = /^[0-9]*/.exec(s)?.[0] ?? '';
    s = s.slice(whole.length);
    let fraction = '';
    let hasFraction = false;
    if (s[0] === '.') {
      s = s.slice(1);
      fraction = /^[0-9]*/.exec(s)?.[0] ?? '';
      s = s.slice(fraction.length);
      hasFraction = fraction.length > 0;
    }
    if (whole === '' && !hasFraction) return invalid;
    const unitText = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unitText === '') return { error: `time: missing unit in duration ${JSON.stringify(text)}` };
    s = s.slice(unitText.length);
    const unit = NANOS[unitText];
    if (unit === undefined) return { error: `time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}` };
    const v = whole === '' ? 0n : BigInt(whole);
    if (v > MAX / unit) return invalid;
    let part = v * unit;
    if (hasFraction) {
      // Go keeps the fraction as a float scaled by its digits, then adds floor(f * unit / scale).
      part += BigInt(Math.floor(Number(`0.${fraction}`) * Number(unit)));
    }
    total += part;
    if (total > MAX) return invalid;
  }
  return { nanos: neg ? -total : total };
}
