// The `x-kubernetes-validations` CEL rules of a CRD, compiled once per rule into a JavaScript closure over the JSON
// value, for the part of CEL the CRDs this library validates use (field selection, has(), !, &&, ||, comparisons,
// size(), startsWith(), all/exists/filter): loading and planning a full CEL runtime costs more than validating a
// thousand objects. Any other expression is evaluated by @bufbuild/cel, loaded on first use. The semantics are
// CEL's: `&&` and `||` absorb an error when the other side decides (false && error is false), selecting an absent
// field is an error, equality across types is false, numbers compare by value. test/core/cel.test.ts checks this
// evaluator against @bufbuild/cel on every rule of every shipped CRD.

/** A CEL evaluation error (a value, not an exception: `&&` and `||` may absorb it). */
export class CelError {
  constructor(public readonly message: string) {}
}

type Env = { readonly self: unknown; readonly vars?: Readonly<Record<string, unknown>> };
type Eval = (env: Env) => unknown;

/** A rule's program: its value for `self` (`true` passes; `false`, any other value or a {@link CelError} fails). */
export type CelProgram = (self: unknown) => unknown;

class Unsupported extends Error {}

type Token = { readonly t: 'id' | 'str' | 'num' | 'op'; readonly v: string };

function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?![0-9.eExXuU])/.exec(src.slice(i));
      if (!m) throw new Unsupported('number');
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      if (src.startsWith(c.repeat(3), i)) throw new Unsupported('triple-quoted string');
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const e = src[j + 1];
          const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };
          if (!(e in simple)) throw new Unsupported('escape');
          v += simple[e];
          j += 2;
        } else {
          v += src[j++];
        }
      }
      if (j >= src.length) throw new Unsupported('unterminated string');
      out.push({ t: 'str', v });
      i = j + 1;
    } else {
      const two = src.slice(i, i + 2);
      if (['&&', '||', '==', '!=', '<=', '>='].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('!<>().,'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else {
        throw new Unsupported(`operator ${c}`);
      }
    }
  }
  return out;
}

const NO_SUCH_OVERLOAD = (op: string) => new CelError(`found no matching overload for '${op}'`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** CEL equality over JSON values: numbers by value, lists and maps element by element, other types never equal. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/** Strings compare by code point in CEL (JavaScript's `<` compares UTF-16 units). */
function compareStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) as number) - (y[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function compare(op: string, a: unknown, b: unknown): unknown {
  let d: number;
  if (typeof a === 'number' && typeof b === 'number') d = a - b;
  else if (typeof a === 'string' && typeof b === 'string') d = compareStrings(a, b);
  else if (typeof a === 'boolean' && typeof b === 'boolean') d = Number(a) - Number(b);
  else return NO_SUCH_OVERLOAD(`_${op}_`);
  return op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
}

function size(v: unknown): unknown {
  if (typeof v === 'string') {
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  return NO_SUCH_OVERLOAD('size');
}

/** `a && b` / `a || b` with CEL's error absorption: the deciding value wins over an error on the other side. */
function logical(op: '&&' | '||', l: Eval, r: Eval): Eval {
  const decides = op === '||';
  return (env) => {
    const a = l(env);
    if (a === decides) return decides;
    const b = r(env);
    if (b === decides) return decides;
    if (typeof a === 'boolean' && typeof b === 'boolean') return !decides;
    if (a instanceof CelError) return a;
    if (b instanceof CelError) return b;
    return NO_SUCH_OVERLOAD(`_${op}_`);
  };
}

class Parser {
  private i = 0;
  constructor(
    private readonly ts: Token[],
    private vars: ReadonlySet<string>,
  ) {}

  public program(): Eval {
    const e = this.or();
    if (this.i !== this.ts.length) throw new Unsupported('trailing tokens');
    return e;
  }

  private peek(v: string): boolean {
    const t = this.ts[this.i];
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.peek(v)) throw new Unsupported(`expected ${v}`);
    this.i++;
  }

  private or(): Eval {
    let e = this.and();
    while (this.peek('||')) {
      this.i++;
      e = logical('||', e, this.and());
    }
    return e;
  }

  private and(): Eval {
    let e = this.relation();
    while (this.peek('&&')) {
      this.i++;
      e = logical('&&', e, this.relation());
    }
    return e;
  }

  private relation(): Eval {
    const l = this.unary();
    const t = this.ts[this.i];
    if (t?.t !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(t.v)) return l;
    this.i++;
    const r = this.unary();
    const op = t.v;
    return (env) => {
      const a = l(env);
      if (a instanceof CelError) return a;
      const b = r(env);
      if (b instanceof CelError) return b;
      if (op === '==') return equal(a, b);
      if (op === '!=') return !equal(a, b);
      return compare(op, a, b);
    };
  }

  private unary(): Eval {
    if (this.peek('!')) {
      this.i++;
      const e = this.unary();
      return (env) => {
        const v = e(env);
        if (v instanceof CelError) return v;
        return typeof v === 'boolean' ? !v : NO_SUCH_OVERLOAD('!_');
      };
    }
    return this.member();
  }

  private member(): Eval {
    return this.chain().e;
  }

  /** A primary followed by selections and method calls; `base` and `field` are the last selection's, if it is one. */
  private chain(): { e: Eval; base?: Eval; field?: string } {
    let e = this.primary();
    let base: Eval | undefined;
    let field: string | undefined;
    while (this.peek('.')) {
      this.i++;
      const name = this.ident();
      if (this.peek('(')) {
        e = this.method(e, name);
        base = undefined;
        field = undefined;
      } else {
        base = e;
        field = name;
        e = select(e, name);
      }
    }
    if (this.peek('[')) throw new Unsupported('index');
    return { e, base, field };
  }

  private ident(): string {
    const t = this.ts[this.i++];
    if (t?.t !== 'id') throw new Unsupported('expected a name');
    return t.v;
  }

  private primary(): Eval {
    const t = this.ts[this.i++];
    if (t === undefined) throw new Unsupported('end of rule');
    if (t.t === 'str') return () => t.v;
    if (t.t === 'num') {
      const n = Number(t.v);
      if (!Number.isSafeInteger(n)) throw new Unsupported('large number');
      return () => n;
    }
    if (t.t === 'op') {
      if (t.v !== '(') throw new Unsupported(`operator ${t.v}`);
      const e = this.or();
      this.expect(')');
      return e;
    }
    if (t.v === 'true' || t.v === 'false') {
      const b = t.v === 'true';
      return () => b;
    }
    if (t.v === 'null') return () => null;
    if (t.v === 'has' && this.peek('(')) return this.has();
    if (t.v === 'size' && this.peek('(')) {
      this.i++;
      const arg = this.or();
      this.expect(')');
      return (env) => {
        const v = arg(env);
        return v instanceof CelError ? v : size(v);
      };
    }
    if (t.v === 'self') return (env) => env.self;
    if (this.vars.has(t.v)) {
      const name = t.v;
      return (env) => env.vars?.[name];
    }
    throw new Unsupported(`name ${t.v}`);
  }

  /** `has(x.f)`: whether `x` is a map with key `f` (a null value counts as absent, as in @bufbuild/cel). */
  private has(): Eval {
    this.expect('(');
    const { base, field } = this.chain();
    if (base === undefined || field === undefined) throw new Unsupported('has() of a non-field');
    this.expect(')');
    return (env) => {
      const o = base(env);
      if (o instanceof CelError) return o;
      return isObject(o) && Object.hasOwn(o, field) && o[field] !== null && o[field] !== undefined;
    };
  }

  private method(target: Eval, name: string): Eval {
    this.expect('(');
    if (name === 'all' || name === 'exists' || name === 'filter') {
      const v = this.ident();
      this.expect(',');
      const outer = this.vars;
      this.vars = new Set([...outer, v]);
      const predicate = this.or();
      this.vars = outer;
      this.expect(')');
      return macro(name, target, v, predicate);
    }
    const args: Eval[] = [];
    if (!this.peek(')')) {
      args.push(this.or());
      while (this.peek(',')) {
        this.i++;
        args.push(this.or());
      }
    }
    this.expect(')');
    if (name === 'size' && args.length === 0) {
      return (env) => {
        const v = target(env);
        return v instanceof CelError ? v : size(v);
      };
    }
    if ((name === 'startsWith' || name === 'endsWith' || name === 'contains') && args.length === 1) {
      const arg = args[0];
      return (env) => {
        const s = target(env);
        if (s instanceof CelError) return s;
        const a = arg(env);
        if (a instanceof CelError) return a;
        if (typeof s !== 'string' || typeof a !== 'string') return NO_SUCH_OVERLOAD(name);
        return name === 'startsWith' ? s.startsWith(a) : name === 'endsWith' ? s.endsWith(a) : s.includes(a);
      };
    }
    throw new Unsupported(`method ${name}`);
  }
}

function select(e: Eval, name: string): Eval {
  return (env) => {
    const o = e(env);
    if (o instanceof CelError) return o;
    if (isObject(o) && Object.hasOwn(o, name) && o[name] !== undefined) return o[name];
    return new CelError(`field not found: ${name}`);
  };
}

function macro(name: string, target: Eval, v: string, predicate: Eval): Eval {
  return (env) => {
    const range = target(env);
    if (range instanceof CelError) return range;
    const items = Array.isArray(range) ? range : isObject(range) ? Object.keys(range) : undefined;
    if (items === undefined) return NO_SUCH_OVERLOAD(name);
    const scope = (x: unknown): Env => ({ self: env.self, vars: { ...env.vars, [v]: x } });
    let error: CelError | undefined;
    if (name === 'filter') {
      const out: unknown[] = [];
      for (const x of items) {
        const r = predicate(scope(x));
        if (r instanceof CelError) return r;
        if (typeof r !== 'boolean') return NO_SUCH_OVERLOAD('filter');
        if (r) out.push(x);
      }
      return out;
    }
    const decides = name === 'exists';
    for (const x of items) {
      const r = predicate(scope(x));
      if (r === decides) return decides;
      if (r instanceof CelError) error ??= r;
      else if (typeof r !== 'boolean') error ??= NO_SUCH_OVERLOAD(name);
    }
    return error ?? !decides;
  };
}

type CelModule = typeof import('@bufbuild/cel');
let cel: CelModule | undefined;

/** A rule evaluated by the full CEL runtime (@bufbuild/cel, loaded on first use); `convert` makes its values. */
function fullCel(rule: string, convert: (self: unknown) => unknown): CelProgram {
  let planned: ((ctx: Record<string, unknown>) => unknown) | undefined;
  return (self) => {
    cel ??= require('@bufbuild/cel') as CelModule;
    const c = cel;
    planned ??= c.plan(c.celEnv(), c.parse(rule)) as unknown as (ctx: Record<string, unknown>) => unknown;
    let v: unknown;
    try {
      v = planned({ self: convert(self) });
    } catch (e) {
      v = e;
    }
    return c.isCelError(v) ? new CelError((v as Error).message) : v;
  };
}

/** Whether `rule` is evaluated by this module's compiler (otherwise by @bufbuild/cel). @internal */
export function compilesNatively(rule: string): boolean {
  try {
    new Parser(tokens(rule), new Set()).program();
    return true;
  } catch (e) {
    if (e instanceof Unsupported) return false;
    throw e;
  }
}

/**
 * A CEL rule as a program over `self` (plain JSON). `convert` turns a JSON value into @bufbuild/cel's values (maps,
 * bigints for the schema's integers), for the rules this module does not compile.
 */
export function celProgram(rule: string, convert: (self: unknown) => unknown): CelProgram {
  let e: Eval;
  try {
    e = new Parser(tokens(rule), new Set()).program();
  } catch (err) {
    if (err instanceof Unsupported) return fullCel(rule, convert);
    throw err;
  }
  return (self) => e({ self });
}

/** The same rule evaluated by @bufbuild/cel, for tests that compare the two. @internal */
export function fullCelProgram(rule: string, convert: (self: unknown) => unknown): CelProgram {
  return fullCel(rule, convert);
}
