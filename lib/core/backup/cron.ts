// The schedule of a ScheduledBackup, as CNPG parses it: robfig/cron v1.2.0 `cron.Parse` (cloudnative-pg v1.30.0
// internal/webhook/v1/scheduledbackup_webhook.go, validate; the controller schedules with the same parser). Its
// default parser takes six fields, seconds first (`Second | Minute | Hour | Dom | Month | DowOptional |
// Descriptor`), so five fields are read as `second minute hour day month` with every weekday: `0 2 * * *` runs at
// minute 2 of every hour, not at 02:00. CNPG only warns about that; the library refuses it.
import { NO_PROBLEMS } from '../errors';
import type { Finding } from '../findings';
import { parseGoDuration } from './go-duration';

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

// robfig/cron v1.2.0 spec.go: the bounds of each field.
const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly { readonly name: string; readonly bounds: Bounds }[] = [
  { name: 'second', bounds: { min: 0, max: 59 } },
  { name: 'minute', bounds: { min: 0, max: 59 } },
  { name: 'hour', bounds: { min: 0, max: 23 } },
  { name: 'day of month', bounds: { min: 1, max: 31 } },
  { name: 'month', bounds: { min: 1, max: 12, names: MONTHS } },
  { name: 'day of week', bounds: { min: 0, max: 6, names: DAYS } },
];
const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Go's strconv.Atoi as robfig's mustParseInt uses it (an optional sign, decimal digits), then its sign check. */
function mustParseInt(expr: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(expr)) return `Failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`;
  const n = Number(expr);
  if (!Number.isSafeInteger(n))
    return `Failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`;
  if (n < 0) return `Negative number (${n}) not allowed: ${expr}`;
  return n;
}

function parseIntOrName(expr: string, names: Bounds['names']): number | string {
  const named = names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

/** robfig/cron v1.2.0 parser.go, getRange: `*`, `?`, `n`, `n-m`, each optionally `/step`. An error message, or undefined. */
function rangeError(expr: string, r: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    const s = parseIntOrName(lowAndHigh[0], r.names);
    if (typeof s === 'string') return s;
    start = s;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const e = parseIntOrName(lowAndHigh[1], r.names);
      if (typeof e === 'string') return e;
      end = e;
    } else return `Too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = mustParseInt(rangeAndStep[1]);
    if (typeof s === 'string') return s;
    step = s;
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) return `Too many slashes: ${expr}`;
  if (start < r.min) return `Beginning of range (${start}) below minimum (${r.min}): ${expr}`;
  if (end > r.max) return `End of range (${end}) above maximum (${r.max}): ${expr}`;
  if (start > end) return `Beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `Step of range should be a positive number: ${expr}`;
  return undefined;
}

/** What CNPG makes of a schedule: an error (CNPG refuses it), or how many fields it has. */
export type ParsedSchedule =
  | { readonly error: string }
  | { readonly fields: number; readonly descriptor?: undefined }
  | { readonly descriptor: string; readonly fields?: undefined };

// Fleets repeat a few schedules: each string is parsed once (results are frozen: they are shared).
const parsed = new Map<string, ParsedSchedule>();

/** robfig/cron v1.2.0 `cron.Parse` (parser.go, Parser.Parse with the default parser's options). */
export function parseCnpgSchedule(spec: string): ParsedSchedule {
  let p = parsed.get(spec);
  if (p === undefined) {
    if (parsed.size >= 256) parsed.clear();
    p = Object.freeze(parse(spec));
    parsed.set(spec, p);
  }
  return p;
}

function parse(spec: string): ParsedSchedule {
  if (spec.length === 0) return { error: 'Empty spec string' };
  if (spec[0] === '@') {
    if (DESCRIPTORS.includes(spec)) return { descriptor: spec };
    if (spec.startsWith('@every ')) {
      const d = parseGoDuration(spec.slice('@every '.length));
      return 'error' in d ? { error: `Failed to parse duration ${spec}: ${d.error}` } : { descriptor: spec };
    }
    return { error: `Unrecognized descriptor: ${spec}` };
  }
  // Go's strings.Fields: split on Unicode white space.
  const fields = spec.split(/\s+/u).filter((f) => f !== '');
  if (fields.length < 5 || fields.length > 6) return { error: `Expected 5 to 6 fields, found ${fields.length}: ${spec}` };
  for (let i = 0; i < fields.length; i++) {
    // Go's strings.FieldsFunc on ',': empty items are dropped.
    for (const expr of fields[i].split(',')) {
      if (expr === '') continue;
      const err = rangeError(expr, FIELDS[i].bounds);
      if (err) return { error: err };
    }
  }
  return { fields: fields.length };
}

/** The six-field form of a five-field schedule as a crontab reads it (`0 2 * * *` -> `0 0 2 * * *`). */
function sixFieldForm(spec: string): string {
  return `0 ${spec.trim().split(/\s+/u).join(' ')}`;
}

/**
 * Findings of a `ScheduledBackup` schedule: CNPG's parse errors, and (deliberately stricter than CNPG, which only
 * warns) any schedule that is not six fields or a descriptor such as `@daily`.
 */
export function checkSchedule(field: string, schedule: unknown): Finding[] {
  if (typeof schedule !== 'string') {
    return [
      {
        code: 'schedule-required',
        field,
        message: 'is required: a six-field cron expression, seconds first',
        value: schedule,
        fix: 'use e.g. "0 0 2 * * *" (every day at 02:00:00) or "@daily"',
      },
    ];
  }
  const result = parseCnpgSchedule(schedule);
  if ('error' in result) {
    return [
      {
        code: 'schedule-invalid',
        field,
        message: `is refused by CNPG's schedule parser: ${result.error}`,
        value: schedule,
        fix: 'use six fields, seconds first: "<second> <minute> <hour> <day of month> <month> <day of week>", e.g. "0 0 2 * * *"',
      },
    ];
  }
  if (result.fields === 5) {
    return [
      {
        code: 'schedule-five-fields',
        field,
        message:
          "has five fields: CNPG's parser reads the first as seconds (second minute hour day month), so this does not run when a crontab would; CNPG only warns",
        value: schedule,
        fix: `write six fields, seconds first: "${sixFieldForm(schedule)}" runs at the time a crontab reads in "${schedule.trim()}"`,
      },
    ];
  }
  return NO_PROBLEMS;
}
