// One apply reaches any end state PostgreSQL can reach in one transaction. A property over random start and end
// states of our fixture extensions (requirements that pin a schema, versions that change requirements and
// relocatability, two extensions that clash), against real PostgreSQL 18 through the real provider host: whenever
// some order of the statements (creates, updates, schema moves, drops) succeeds in one transaction on the server,
// the provider's apply succeeds and ends in the same state; when none does, the apply fails and changes nothing.
import fc from 'fast-check';
import { quoteIdent, quoteLiteral } from '../../lib/core/sql';
import { postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { extensionsIn, freshDatabase } from '../support/fixtures';
import { type PgServer, startPostgres } from '../support/pg';
import { type Props, ProviderHost, connectionTo } from '../support/provider-host';
import { CLASH, imageOf, SCHEMAS, VERSIONS } from './extension-fixtures';

jest.setTimeout(600_000);

let pg: PgServer;
let host: ProviderHost;
let connection: Props;

beforeAll(async () => {
  pg = await startPostgres({ customImages: { fixtures: imageOf({ ...SCHEMAS, ...VERSIONS, ...CLASH }) } });
  host = await ProviderHost.start(postgresExtensionsProvider);
  connection = connectionTo(pg);
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

const VERSIONS_OF: Record<string, string[]> = {
  cx_base: ['1.0', '1.1'],
  cx_follow: ['1.0'],
  cx_pin: ['1.0'],
  cx_old: ['1.0'],
  cx_swap: ['1.0', '2.0'],
  cx_reloc: ['1.0', '1.1', '1.2'],
  cx_clash1: ['1.0'],
  cx_clash2: ['1.0'],
};
const NAMES = Object.keys(VERSIONS_OF);

/** An extension in a state: absent (null), or present at a version and in a schema (unset: as the provider leaves it). */
type Wanted = { version?: string; schema?: 's1' | 's2' } | null;
interface Sample {
  /** The extensions of the sample, in list order. */
  readonly order: string[];
  readonly start: Record<string, Wanted>;
  readonly end: Record<string, Wanted>;
}

const wanted = (name: string) =>
  fc.option(
    fc.record({
      version: fc.option(fc.constantFrom(...VERSIONS_OF[name]), { nil: undefined }),
      schema: fc.option(fc.constantFrom('s1' as const, 's2' as const), { nil: undefined }),
    }),
    { nil: null, freq: 3 },
  );
const states = () => fc.record(Object.fromEntries(NAMES.map((n) => [n, wanted(n)])) as Record<string, fc.Arbitrary<Wanted>>);
const samples: fc.Arbitrary<Sample> = fc.record({
  order: fc.shuffledSubarray(NAMES, { minLength: 1, maxLength: 4 }),
  start: states(),
  end: states(),
});

/** The cases the property is about, always tried first. */
function example(order: string[], start: Record<string, Wanted>, end: Record<string, Wanted>): [Sample] {
  const all = (s: Record<string, Wanted>) => Object.fromEntries(NAMES.map((n) => [n, s[n] ?? null]));
  return [{ order, start: all(start), end: all(end) }];
}
const EXAMPLES: [Sample][] = [
  // Drop the extension that pins another's schema (no_relocate), then move that one.
  example(
    ['cx_base', 'cx_follow', 'cx_pin'],
    { cx_base: { schema: 's1' }, cx_follow: {}, cx_pin: {} },
    { cx_base: { schema: 's2' }, cx_follow: {} },
  ),
  // While it is there, the move is refused in any order.
  example(
    ['cx_base', 'cx_follow', 'cx_pin'],
    { cx_base: { schema: 's1' }, cx_follow: {}, cx_pin: {} },
    { cx_base: { schema: 's2' }, cx_follow: {}, cx_pin: {} },
  ),
  // Create the new requirement, update to the version that requires it instead of the old one, then drop the old.
  example(['cx_base', 'cx_swap', 'cx_old'], { cx_old: {}, cx_swap: { version: '1.0' } }, { cx_base: {}, cx_swap: { version: '2.0' } }),
  // Update to a relocatable version, then move; move while relocatable, then update to a version that is not.
  example(['cx_reloc'], { cx_reloc: { version: '1.0' } }, { cx_reloc: { version: '1.1', schema: 's1' } }),
  example(['cx_reloc'], { cx_reloc: { version: '1.1' } }, { cx_reloc: { version: '1.2', schema: 's1' } }),
  example(['cx_reloc'], { cx_reloc: { version: '1.0' } }, { cx_reloc: { version: '1.2', schema: 's1' } }),
  // Drop the one that defines the same function before creating the other.
  example(['cx_clash2', 'cx_clash1'], { cx_clash1: {} }, { cx_clash2: {} }),
  // Update the requirement before creating what requires it, listed first.
  example(['cx_follow', 'cx_base'], { cx_base: { version: '1.0' } }, { cx_follow: {}, cx_base: { version: '1.1', schema: 's1' } }),
  // A version without an install script is created from one that has one, through the updates: 2.0 requires cx_base,
  // the 1.0 it starts from cx_old, and both go first (seed 798843534), whether the list needs reordering or not.
  example(['cx_swap', 'cx_base', 'cx_old'], {}, { cx_swap: { version: '2.0' }, cx_base: {}, cx_old: {} }),
  example(['cx_base', 'cx_swap', 'cx_old'], {}, { cx_swap: { version: '2.0' }, cx_base: {}, cx_old: {} }),
  // ... and the extension only the start version requires is dropped after the create.
  example(['cx_swap', 'cx_base', 'cx_old'], { cx_old: {} }, { cx_swap: { version: '2.0' }, cx_base: {} }),
];

const request = (name: string, w: NonNullable<Wanted>) => ({
  name,
  ...(w.version ? { version: w.version } : {}),
  ...(w.schema ? { schema: w.schema } : {}),
});
const listOf = (s: Sample, which: 'start' | 'end') =>
  s.order.filter((n) => s[which][n] !== null).map((n) => request(n, s[which][n] as NonNullable<Wanted>));

/** The statements that take the database from what is installed to `desired` (the set, in no particular order). */
function statements(installed: Record<string, string>, managed: readonly string[], desired: ReturnType<typeof listOf>): string[] {
  const out: string[] = [];
  for (const m of managed) if (!desired.some((d) => d.name === m)) out.push(`DROP EXTENSION ${quoteIdent(m)} RESTRICT`);
  for (const d of desired) {
    const now = installed[d.name];
    if (now === undefined) {
      out.push(
        `CREATE EXTENSION ${quoteIdent(d.name)}${d.schema ? ` SCHEMA ${quoteIdent(d.schema)}` : ''}${d.version ? ` VERSION ${quoteLiteral(d.version)}` : ''}`,
      );
      continue;
    }
    const [version, schema] = now.split('@');
    if (d.version && d.version !== version) out.push(`ALTER EXTENSION ${quoteIdent(d.name)} UPDATE TO ${quoteLiteral(d.version)}`);
    if (d.schema && d.schema !== schema) out.push(`ALTER EXTENSION ${quoteIdent(d.name)} SET SCHEMA ${quoteIdent(d.schema)}`);
  }
  return out;
}

function* permutations<T>(xs: readonly T[]): Generator<T[]> {
  if (xs.length <= 1) {
    yield [...xs];
    return;
  }
  for (let i = 0; i < xs.length; i++) for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) yield [xs[i], ...rest];
}

/** The first order of `stmts` that succeeds in one transaction on the server (rolled back), with the state it reaches. */
async function someOrder(db: string, stmts: string[]): Promise<{ order: string[]; state: Record<string, string> } | undefined> {
  const c = await pg.client(db);
  try {
    for (const order of permutations(stmts)) {
      await c.query('BEGIN; SET LOCAL search_path TO "$user", public');
      try {
        for (const s of order) await c.query(s);
        const rows = (
          await c.query(
            "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'",
          )
        ).rows as { extname: string; extversion: string; nspname: string }[];
        return { order, state: Object.fromEntries(rows.map((r) => [r.extname, `${r.extversion}@${r.nspname}`])) };
      } catch {
        // this order does not work: try the next
      } finally {
        await c.query('ROLLBACK');
      }
    }
    return undefined;
  } finally {
    await c.end();
  }
}

/** One apply through the host (create when nothing is managed yet), compared with the server's verdict. */
async function applyAndCompare(
  db: string,
  prior: { id: string; outs: Props } | undefined,
  desired: ReturnType<typeof listOf>,
): Promise<{ id: string; outs: Props } | undefined> {
  const before = await extensionsIn(pg, db);
  const managed = (prior?.outs.managed as string[] | undefined) ?? [];
  const stmts = statements(before, managed, desired);
  const verdict = await someOrder(db, stmts);
  const news = { connection, database: db, extensions: desired, readinessTimeoutSeconds: 0 };
  const checked = await host.check(prior?.outs ?? {}, news);
  expect(checked.failures).toEqual([]);
  const result = await (prior
    ? host.update(prior.id, prior.outs, checked.inputs).then((outs) => ({ id: prior.id, outs }))
    : host.create(checked.inputs)
  ).then(
    (r) => r,
    (e: Error) => e,
  );
  const after = await extensionsIn(pg, db);
  const context = { statements: stmts, anOrderThatWorks: verdict?.order, provider: result instanceof Error ? result.message : 'succeeded' };
  if (verdict) {
    expect({ ...context, state: after }).toEqual({ ...context, provider: 'succeeded', state: verdict.state });
    return result as { id: string; outs: Props };
  }
  expect({ ...context, failed: result instanceof Error, state: after }).toEqual({ ...context, failed: true, state: before });
  return undefined;
}

/**
 * The seed of the property: fixed, so that a run fails only on a case someone chose (EXAMPLES, or this seed's
 * cases). Set FC_SEED to explore other cases; a counterexample found that way goes to EXAMPLES.
 */
const SEED = Number(process.env.FC_SEED ?? 798843534);

test('whenever some order of the statements succeeds in one transaction, the apply succeeds in one, and reaches the same state', async () => {
  let reached = 0;
  await fc.assert(
    fc.asyncProperty(samples, async (sample) => {
      const db = await freshDatabase(pg);
      await pg.query('CREATE SCHEMA s1; CREATE SCHEMA s2', [], db);
      const start = listOf(sample, 'start');
      const first = start.length > 0 ? await applyAndCompare(db, undefined, start) : undefined;
      if (start.length > 0 && !first) return;
      const done = await applyAndCompare(db, first, listOf(sample, 'end'));
      if (done) reached++;
    }),
    { numRuns: 60, examples: EXAMPLES, seed: SEED },
  );
  expect(reached).toBeGreaterThan(20);
});
