// `recoveryTarget.targetTime` as CNPG reads it: cloudnative-pg/machinery v0.5.0 pkg/types/time.go,
// ParseTargetTime (the webhook's check, cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go,
// validateRecoveryTarget), which tries lib/pq v1.12.3's timestamp parser (internal/pqtime/pqtime.go, Parse), then Go's
// time.Parse with RFC3339 (micro), RFC3339 and "2006-01-02T15:04:05". The pq parser checks the shape only
// (time.Date normalizes 2024-02-30 to March 1st) and such strings reach PostgreSQL unchanged
// (machinery pkg/postgres/time/time.go, ConvertToPostgresFormat), which refuses them when the recovery starts.

/** The calendar fields of a target time, as written. */
export interface TargetTimeFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Whether there are fractional seconds. */
  readonly fraction: boolean;
  /** `postgres`: the pq form, passed to PostgreSQL as written; `rfc3339`: converted by CNPG (checked by Go). */
  readonly form: 'postgres' | 'rfc3339';
}

/** Go's strconv.Atoi over `s[begin:end]`, as pqtime's mustAtoi (bounds-checked). */
function atoi(s: string, begin: number, end: number): number | undefined {
  if (begin < 0 || end < 0 || begin > end || end > s.length) return undefined;
  const part = s.slice(begin, end);
  if (!/^[+-]?[0-9]+$/.test(part)) return undefined;
  return Number(part);
}

/** lib/pq v1.12.3 internal/pqtime/pqtime.go, Parse: the fields, or undefined when it returns an error. */
function parsePq(str: string): TargetTimeFields | undefined {
  let failed = false;
  const num = (b: number, e: number) => {
    if (failed) return 0;
    const v = atoi(str, b, e);
    if (v === undefined) failed = true;
    return v ?? 0;
  };
  const expect = (ch: string, pos: number) => {
    if (failed) return;
    if (pos + 1 > str.length || str[pos] !== ch) failed = true;
  };
  const monSep = str.indexOf('-');
  const year = num(0, monSep);
  const daySep = monSep + 3;
  const month = num(monSep + 1, daySep);
  expect('-', daySep);
  const timeSep = daySep + 3;
  const day = num(daySep + 1, timeSep);
  let minLen = monSep + '01-01'.length + 1;
  const isBC = str.endsWith(' BC');
  if (isBC) minLen += 3;
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (str.length > minLen) {
    expect(' ', timeSep);
    const minSep = timeSep + 3;
    expect(':', minSep);
    hour = num(timeSep + 1, minSep);
    const secSep = minSep + 3;
    expect(':', secSep);
    minute = num(minSep + 1, secSep);
    second = num(secSep + 1, secSep + 3);
  }
  let rest = monSep + '01-01 00:00:00'.length + 1;
  let fraction = false;
  if (rest < str.length && str[rest] === '.') {
    const fracStart = rest + 1;
    let fracOff = str.slice(fracStart).search(/[-+Z ]/);
    if (fracOff < 0) fracOff = str.length - fracStart;
    num(fracStart, fracStart + fracOff);
    fraction = true;
    rest += fracOff + 1;
  }
  if (rest < str.length && (str[rest] === '-' || str[rest] === '+')) {
    num(rest + 1, rest + 3);
    rest += 3;
    if (rest < str.length && str[rest] === ':') {
      num(rest + 1, rest + 3);
      rest += 3;
    }
    if (rest < str.length && str[rest] === ':') {
      num(rest + 1, rest + 3);
      rest += 3;
    }
  } else if (rest < str.length && str[rest] === 'Z') {
    rest += 1;
  }
  if (isBC) rest += 3;
  if (rest < str.length || failed) return undefined;
  return { year: isBC ? 1 - year : year, month, day, hour, minute, second, fraction, form: 'postgres' };
}

const daysIn = (month: number, year: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Go's time.Parse with the layouts ParseTargetTime tries after pq's: `2006-01-02T15:04:05` followed by
 * fractional seconds (exactly six digits with the micro layout, any number otherwise, as Go accepts them after
 * the seconds), then `Z`, `±hh:mm` or (the last layout) nothing. Go checks every field's range.
 */
function parseGo(str: string): TargetTimeFields | undefined {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?(Z|[+-]([0-9]{2}):([0-9]{2}))?$/.exec(
    str,
  );
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 24 || Number(m[10]) > 60)) return undefined;
  return { year, month, day, hour, minute, second, fraction: m[7] !== undefined, form: 'rfc3339' };
}

/** What CNPG's ParseTargetTime accepts, or undefined where the webhook refuses the value. */
export function parseTargetTime(text: string): TargetTimeFields | undefined {
  return parsePq(text) ?? parseGo(text);
}

/**
 * Whether PostgreSQL accepts the calendar fields of a time CNPG passes on as written (the pq form): a real date,
 * hours 0-23 (24:00:00 is midnight of the next day), minutes 0-59, seconds 0-60 (a leap second rolls over).
 */
export function postgresAcceptsFields(t: TargetTimeFields): boolean {
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysIn(t.month, t.year)) return false;
  if (t.minute > 59 || t.second > 60) return false;
  return t.hour < 24 || (t.hour === 24 && t.minute === 0 && t.second === 0 && !t.fraction);
}
