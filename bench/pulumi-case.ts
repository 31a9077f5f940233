// A Pulumi program of N clusters, each with a database of pgvector + PostGIS, run under
// pulumi.runtime.setMocks until every resource is registered, in a fresh process:
//   node pulumi-case.js <provider|cnpg> <N> [module]
// `module` is what the program imports (default ../lib/pulumi); bench/run.ts copies this file into a project that
// installed the packed library and passes `cnpg-constructs/pulumi`, so the provider is serialized as it is for users.
// `provider` is the default mode (a PostgresExtensions dynamic resource per database, its provider serialized
// by Pulumi's closure serializer, as `pulumi up` does); `cnpg` writes the extensions into Database.spec.
// Prints whole-process wall and CPU time (start-up, loading, construction, registration) and RSS.
import * as pulumi from '@pulumi/pulumi';

const [mode, nArg, moduleArg] = process.argv.slice(2);
const n = Number(nArg);
let registered = 0;
let serializedBytes = 0;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered++;
      if (args.type.startsWith('pulumi-nodejs:dynamic/')) serializedBytes += String(args.inputs.__provider ?? '').length;
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'bench',
  'bench',
  false,
);

async function main(): Promise<void> {
  const lib: typeof import('../lib/pulumi') = moduleArg ? require(moduleArg) : await import('../lib/pulumi');
  const { ExtensionDatabase, ExtensionImage, PostgresCluster } = lib;
  const done: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const pgvector = ExtensionImage.pgvector('0.8.1');
    const postgis = ExtensionImage.postgis('3.6.1');
    const cluster = new PostgresCluster(`db${i}`, {
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
      instances: 1,
      storage: { size: '1Gi' },
      extensions: [pgvector, postgis],
    });
    const db = new ExtensionDatabase(`app${i}`, {
      cluster,
      name: 'app',
      owner: 'app',
      extensions: [pgvector, postgis],
      manageExtensionsWith: mode as 'provider' | 'cnpg',
      ...(mode === 'provider'
        ? { connection: { host: `db${i}-rw`, port: 5432, user: 'postgres', password: 'pw', sslMode: 'require' } }
        : {}),
    });
    done.push(new Promise((r) => db.urn.apply(r)));
    if (db.extensions) done.push(new Promise((r) => db.extensions?.urn.apply(r)));
  }
  await Promise.all(done);
  // Let the last registrations reach the mock monitor.
  await new Promise((r) => setTimeout(r, 0));
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({
      ms: performance.now(),
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMb: process.resourceUsage().maxRSS / 1024,
      registered,
      serializedBytesPerResource: mode === 'provider' ? serializedBytes / n : 0,
    }),
  );
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
