// Kubernetes quantities as the API machinery parses and compares them, and PostgreSQL sizes as CNPG turns them into
// quantities: exact (BigInt), never floating point.

/** A parsed quantity: `numerator / 10^scale` (binary suffixes are multiplied out). */
export interface Quantity {
  readonly numerator: bigint;
  /** Decimal places: the value is `numerator / 10^scale`. */
  readonly scale: number;
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_INT64 = (1n << 63n) - 1n;
const SUFFIX_CHARS = 'eEinumkKMGTP';

/**
 * `resource.ParseQuantity` (k8s.io/apimachinery pkg/api/resource/quantity.go, `parseQuantityString` and
 * `suffixer.interpret`): `[+-]digits[.digits]` then a binary (`Ki`..`Ei`), decimal (`n u m k M G T P E`) or exponent
 * (`e3`, `E-2`) suffix. Precision below `1n` rounds away from zero; binary quantities are capped at 2^63-1.
 * Undefined when the string is not a quantity.
 */
export function parseQuantity(str: string): Quantity | undefined {
  if (str.length === 0) return undefined;
  if (str === '0') return { numerator: 0n, scale: 0 };
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  const numStart = pos;
  while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
  const num = str.slice(numStart, pos) || '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const d = pos;
    while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
    denom = str.slice(d, pos);
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
  if (pos < end) return undefined;
  const suffix = str.slice(suffixStart);
  let value = BigInt(num + denom);
  let scale = denom.length;
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    scale -= DECIMAL_SUFFIXES[suffix];
  } else if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    value <<= BigInt(BINARY_SUFFIXES[suffix]);
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const exp = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1e6) return undefined;
    scale -= exp;
  } else {
    return undefined;
  }
  // Round to nano precision, away from zero (apimachinery rounds a finer value up: "0.9n" is "1n").
  if (scale > 9) {
    const div = 10n ** BigInt(scale - 9);
    value = (value + div - 1n) / div;
    scale = 9;
  }
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    const cap = MAX_INT64 * 10n ** BigInt(Math.max(scale, 0));
    if (value > cap) value = cap;
  }
  return { numerator: positive ? value : -value, scale };
}

/** `a.Cmp(b)`: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.numerator * 10n ** BigInt(s - a.scale);
  const y = b.numerator * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZeroQuantity(q: Quantity | undefined): boolean {
  return q === undefined || q.numerator === 0n;
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits that fit in 64 bits. */
export function isGoInt(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const v = BigInt(s);
  return v <= MAX_INT64 && v >= -MAX_INT64 - 1n;
}

/**
 * A PostgreSQL size (`shared_buffers`, `min_wal_size`) as a quantity, the way CNPG reads it: no unit means MB, the
 * unit must end in `B`, `kB`/`MB`/`GB`/`TB` are binary, spaces between number and unit are allowed
 * (cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go, parsePostgresQuantityValue).
 */
export function parsePostgresQuantity(value: string): Quantity | undefined {
  let v = value;
  if (isGoInt(v)) v += 'MB';
  if (!v.endsWith('B')) return undefined;
  v = v.slice(0, -1).replaceAll(' ', '');
  if (!isGoInt(v)) v = `${v}i`.replaceAll('ki', 'Ki');
  return parseQuantity(v);
}
