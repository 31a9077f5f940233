// Resource graphs of the Pulumi components under pulumi.runtime.setMocks, and the promise that
// both front ends build the same CNPG specs from the same props.
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { Chart, Testing } from 'cdk8s';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      if (args.type === 'kubernetes:core/v1:Secret' && args.id) {
        const b64 = (x: string) => Buffer.from(x).toString('base64');
        return {
          id: args.id,
          state: {
            data: {
              username: b64('postgres'),
              password: b64('s3cr3t-from-cnpg'),
              'ca.crt': b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'),
            },
          },
        };
      }
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'cnpg',
  'test',
  false,
);

// What each registration depended on (the engine creates a resource only after these): the mock monitor
// does not pass it to newResource, so it is read from the request.
const dependencies = new Map<string, string[]>();
{
  const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks');
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: { getName(): string; getDependenciesList(): string[] }, cb: unknown) {
    dependencies.set(req.getName(), req.getDependenciesList());
    return original.call(this, req, cb);
  };
}

// Loaded after setMocks, as a program would be.
import * as cdk from '../../lib/cdk8s';
import * as pl from '../../lib/pulumi';

const whenDone = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));
const props = (): pl.PostgresClusterProps => ({
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  instances: 1,
  storage: { size: '1Gi' },
  extensions: [pl.ExtensionImage.pgvector('0.8.1'), pl.ExtensionImage.postgis('3.6.1')],
});
const byName = (name: string) => registered.find((r) => r.name === name) as Registered;
const unsecret = (v: unknown): unknown => (v && typeof v === 'object' && SECRET_SIG in (v as object) ? (v as { value: unknown }).value : v);

describe('Pulumi components', () => {
  test('PostgresCluster: a component with a Cluster child whose spec equals the cdk8s one', async () => {
    const cluster = new pl.PostgresCluster('angus', props());
    const urn = await whenDone(cluster.cluster.urn);
    expect(await whenDone(cluster.urn)).toMatch(/::cnpg-constructs:index:PostgresCluster::angus$/);
    expect(urn).toMatch(/cnpg-constructs:index:PostgresCluster\$kubernetes:postgresql\.cnpg\.io\/v1:Cluster::angus-cluster$/);
    const inputs = byName('angus-cluster').inputs;
    expect(inputs.metadata).toEqual({ name: 'angus', annotations: pl.AWAIT_ANNOTATIONS.Cluster });

    const chart = new Chart(Testing.app(), 'x');
    new cdk.PostgresCluster(chart, 'angus', props());
    const fromCdk8s = Testing.synth(chart)[0];
    expect(inputs.spec).toEqual(fromCdk8s.spec);
    expect(inputs.apiVersion).toBe(fromCdk8s.apiVersion);
    expect(inputs.kind).toBe('Cluster');
  });

  test('ExtensionDatabase (cnpg mode) has the same Database spec as the cdk8s construct', async () => {
    const cluster = new pl.PostgresCluster('c2', { ...props(), name: 'angus' });
    const db = new pl.ExtensionDatabase('app2', {
      cluster,
      name: 'app',
      owner: 'app',
      extensions: props().extensions ?? [],
      manageExtensionsWith: 'cnpg',
    });
    await whenDone(db.database.urn);
    const chart = new Chart(Testing.app(), 'x');
    const c = new cdk.PostgresCluster(chart, 'angus', props());
    new cdk.ExtensionDatabase(chart, 'app', { cluster: c, name: 'app', owner: 'app', extensions: props().extensions ?? [] });
    const cdkDb = Testing.synth(chart).find((o) => o.kind === 'Database');
    // Awaited until CNPG reports it applied, before anything that depends on it (the extensions) runs.
    expect((byName('app2-database').inputs.metadata as { annotations: unknown }).annotations).toEqual({
      'pulumi.com/waitFor': 'jsonpath={.status.applied}=true',
    });
    expect(byName('app2-database').inputs.spec).toEqual(cdkDb.spec);
    expect(db.extensions).toBeUndefined();
  });

  test('ExtensionDatabase (provider mode): Database without extensions plus a secret PostgresExtensions', async () => {
    const cluster = new pl.PostgresCluster('c3', { ...props(), name: 'angus3' });
    const db = new pl.ExtensionDatabase('app3', {
      cluster,
      name: 'app',
      owner: 'app',
      extensions: props().extensions ?? [],
      connection: { host: '127.0.0.1', port: 5432, user: 'postgres', password: 'pw-never-shown', sslMode: 'require' },
    });
    await whenDone(db.extensions?.urn as pulumi.Output<string>);
    const database = byName('app3-database').inputs as { spec: Record<string, unknown> };
    expect(database.spec).toEqual({ name: 'app', owner: 'app', cluster: { name: 'angus3' } });
    const ext = registered.find((r) => r.name === 'app3-extensions') as Registered;
    expect(ext.type).toBe('pulumi-nodejs:dynamic/cnpg:PostgresExtensions');
    expect((ext.inputs.extensions as { name: string }[]).map((e) => e.name)).toEqual([
      'vector',
      'postgis',
      'postgis_raster',
      'postgis_sfcgal',
      'fuzzystrmatch',
      'address_standardizer',
      'address_standardizer_data_us',
      'postgis_tiger_geocoder',
      'postgis_topology',
    ]);
    // The connection reaches the engine marked secret.
    expect(ext.inputs.connection).toEqual({
      [SECRET_SIG]: '1b47061264138c4ac30d75fd1eb44270',
      value: expect.objectContaining({ host: '127.0.0.1', password: 'pw-never-shown' }),
    });
    // The serialized provider holds no password, and is a plain CommonJS module.
    const provider = unsecret(ext.inputs.__provider) as string;
    expect(provider).toContain('exports.handler');
    expect(provider).not.toContain('pw-never-shown');
    expect(await whenDone(db.extensions?.urn as pulumi.Output<string>)).toMatch(
      /cnpg-constructs:index:ExtensionDatabase\$pulumi-nodejs:dynamic\/cnpg:PostgresExtensions::app3-extensions$/,
    );
  });

  test('CnpgOperator: the 26 release objects under their real type tokens; a cluster waits for CRDs, Deployment and webhooks', async () => {
    const op = new pl.CnpgOperator('cnpg');
    const cluster = new pl.PostgresCluster('awaited', { ...props(), operator: op });
    await whenDone(cluster.cluster.urn);
    const children = registered.filter((r) => r.name.startsWith('cnpg-') && r.type.startsWith('kubernetes:'));
    expect(children).toHaveLength(26);
    const types = [...new Set(children.map((c) => c.type))].sort();
    expect(types).toEqual([
      'kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration',
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration',
      'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition',
      'kubernetes:apps/v1:Deployment',
      'kubernetes:core/v1:ConfigMap',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:Service',
      'kubernetes:core/v1:ServiceAccount',
      'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole',
      'kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding',
    ]);
    expect(children.filter((c) => c.type === 'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition')).toHaveLength(11);
    const urnOf = async (name: string) =>
      whenDone(op.resources.find((r) => (r as unknown as { __name: string }).__name === name)?.urn as pulumi.Output<string>);
    // Every operator object waits for the CRDs and the namespace.
    const deployment = children.find((c) => c.type === 'kubernetes:apps/v1:Deployment') as Registered;
    expect(dependencies.get(deployment.name)).toEqual(
      expect.arrayContaining([
        await urnOf('cnpg-customresourcedefinition-clusters.postgresql.cnpg.io'),
        await urnOf('cnpg-namespace-cnpg-system'),
      ]),
    );
    // The Cluster waits for the Deployment (awaited until rolled out: its pods serve the webhooks) and the webhooks.
    const clusterDeps = dependencies.get('awaited-cluster') ?? [];
    for (const c of children.filter((x) => /Deployment|WebhookConfiguration|CustomResourceDefinition/.test(x.type))) {
      expect({ dependsOn: c.name, ok: clusterDeps.includes(await urnOf(c.name)) }).toEqual({ dependsOn: c.name, ok: true });
    }
    expect(registered.find((r) => r.name === 'cnpg')?.type).toBe('cnpg-constructs:index:CnpgOperator');
    // The cluster targets the operator's version, and is awaited until CNPG reports it Ready.
    expect((byName('awaited-cluster').inputs.metadata as { annotations: Record<string, string> }).annotations).toEqual({
      'pulumi.com/waitFor': 'jsonpath={.status.conditions[?(@.type=="Ready")].status}=True',
    });
  });

  test('PostgresCluster.connection: user, password and CA from the secrets CNPG creates, verify-full against <name>-rw', async () => {
    const cluster = new pl.PostgresCluster('conn', { ...props(), enableSuperuserAccess: true });
    const c = cluster.connection({ host: '127.0.0.1', port: 5433 }) as Record<string, unknown>;
    const resolved = await whenDone(pulumi.output(c));
    expect(resolved).toEqual({
      host: '127.0.0.1',
      port: 5433,
      user: 'postgres',
      password: 's3cr3t-from-cnpg',
      sslMode: 'verify-full',
      sslRootCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      tlsServerName: 'conn-rw',
    });
    expect(await (pulumi.output(c.password) as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    expect(await (pulumi.output(c.sslRootCert) as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    const gets = registered.filter((r) => r.type === 'kubernetes:core/v1:Secret' && r.name.startsWith('conn-'));
    expect(gets.map((g) => g.name).sort()).toEqual(['conn-conn-ca', 'conn-conn-superuser']);
    expect(() => new pl.PostgresCluster('nosu', props()).connection({ host: 'h' })).toThrow(
      /CNPG creates the nosu-superuser secret only with enableSuperuserAccess: true/,
    );
  });

  test('ImageCatalog: a ClusterImageCatalog child, and a cluster opting in to its extensions by name', async () => {
    const catalog = new pl.ClusterImageCatalog('minimal', {
      images: [
        {
          major: 18,
          image: 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie',
          extensions: [pl.ExtensionImage.timescaledb('2.29.2')],
        },
      ],
    });
    const cluster = new pl.PostgresCluster('cat-db', {
      imageCatalogRef: catalog.ref(18),
      storage: { size: '1Gi' },
      extensions: [pl.ExtensionImage.fromImageCatalog('timescaledb-oss')],
    });
    await whenDone(cluster.cluster.urn);
    const cat = byName('minimal-catalog');
    expect(registered.find((r) => r.name === 'minimal')?.type).toBe('cnpg-constructs:index:ClusterImageCatalog');
    expect(cat.type).toBe('kubernetes:postgresql.cnpg.io/v1:ClusterImageCatalog');
    expect((cat.inputs.spec as { images: { extensions: { name: string }[] }[] }).images[0].extensions[0].name).toBe('timescaledb-oss');
    expect(byName('cat-db-cluster').inputs.spec).toEqual({
      imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'minimal', major: 18 },
      instances: 1,
      storage: { size: '1Gi' },
      postgresql: { extensions: [{ name: 'timescaledb-oss' }], shared_preload_libraries: ['timescaledb'] },
    });
    expect(() => catalog.ref(17)).toThrow(/the catalog has no image for PostgreSQL 17/);
  });

  test('bad props fail before any resource is registered, naming the resource, field and fix', () => {
    const before = registered.length;
    expect(() => new pl.PostgresCluster('bad', { ...props(), postgresql: { parameters: { shared_preload_libraries: 'x' } } })).toThrow(
      /PostgresCluster at 'bad' is invalid: postgresql\.parameters\.shared_preload_libraries: .*Fix: list the libraries in postgresql\.sharedPreloadLibraries/,
    );
    expect(
      () => new pl.ExtensionDatabase('nocon', { cluster: 'angus', name: 'app', owner: 'app', extensions: [{ name: 'vector' }] }),
    ).toThrow(/ExtensionDatabase at 'nocon' is invalid: connection: is required/);
    // Misspelt options are errors naming the closest valid one, as a pulumi.ResourceError with the problems.
    let err: unknown;
    try {
      new pl.ExtensionDatabase('typo', { cluster: 'angus', name: 'app', owner: 'app', manageExtensionWith: 'cnpg' } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pulumi.ResourceError);
    expect((err as pl.CnpgResourceError).problems).toEqual([
      expect.objectContaining({ field: 'manageExtensionWith', fix: expect.stringContaining('did you mean "manageExtensionsWith"?') }),
    ]);
    expect(
      () => new pl.ExtensionDatabase('bogus', { cluster: 'angus', name: 'app', owner: 'app', manageExtensionsWith: 'bogus' as 'cnpg' }),
    ).toThrow(/manageExtensionsWith: is not a mode \(got "bogus"\)/);
    expect(() => new pl.PostgresCluster('typo2', { ...props(), storage: { size: '1Gi', storageclass: 'fast' } as never })).toThrow(
      /storage\.storageclass: is not a known option .*did you mean "storageClass"\?/,
    );
    // Pass-through specs the builders do not model are checked against the CRDs (CEL rules included) before registering.
    expect(() => new pl.PostgresCluster('cel', { ...props(), bootstrap: { initdb: { builtinLocale: 'C' } } })).toThrow(
      /Cluster\/cel at 'cel' is invalid: bootstrap\.initdb: builtinLocale is only available when localeProvider is set to `builtin` .*CEL rule: .*the CNPG 1\.30\.0 CRD refuses it/,
    );
    // The component itself registers first; no Kubernetes resource or extension resource followed.
    expect(registered.slice(before).filter((r) => !r.type.startsWith('cnpg-constructs:'))).toEqual([]);
  });

  test('every refusal of the components is a CnpgResourceError on the component, with coded problems', () => {
    const refusal = (build: () => unknown): pl.CnpgResourceError => {
      try {
        build();
      } catch (e) {
        expect(e).toBeInstanceOf(pl.CnpgResourceError);
        expect(e).toBeInstanceOf(pulumi.ResourceError);
        return e as pl.CnpgResourceError;
      }
      throw new Error('expected a CnpgResourceError');
    };
    const codes = (e: pl.CnpgResourceError) => e.problems.map((p) => [p.code, p.field]);
    const db = (args: Partial<pl.ExtensionDatabaseArgs>) => () =>
      new pl.ExtensionDatabase('edge', { cluster: 'angus', name: 'app', owner: 'app', ...args } as pl.ExtensionDatabaseArgs);
    expect(codes(refusal(db({ manageExtensionsWith: 'bogus' as 'cnpg' })))).toEqual([
      ['manage-extensions-mode-invalid', 'manageExtensionsWith'],
    ]);
    expect(codes(refusal(db({ extensions: [{ name: 'vector', ensure: 'absent' }], connection: { host: 'h' } as never })))).toEqual([
      ['extension-absent-needs-cnpg-mode', 'extensions'],
    ]);
    expect(codes(refusal(db({ extensions: [{ name: 'vector' }] })))).toEqual([['connection-required', 'connection']]);
    expect(codes(refusal(db({ cluster: 'Bad Name!' })))).toEqual([['database-cluster-name-invalid', 'cluster']]);
    const nosu = new pl.PostgresCluster('edge-nosu', props());
    const e = refusal(() => nosu.connection({ host: 'h' }));
    expect(codes(e)).toEqual([['superuser-access-disabled', 'user']]);
    expect(e.message).toMatch(
      /^PostgresCluster at 'edge-nosu' is invalid: user: CNPG creates the edge-nosu-superuser secret only with enableSuperuserAccess: true/,
    );
    expect(codes(refusal(() => nosu.connection({ host: 'h', user: 'root' as 'app' })))).toEqual([['role-unknown', 'user']]);
  });

  test('warnings are logged on the component that has them (pulumi.log.warn with the resource), and it is registered', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => {});
    try {
      const cluster = new pl.PostgresCluster('warned', { ...props(), extensions: [pl.ExtensionImage.pgvector('0.81')] });
      new pl.ExtensionDatabase('warned-db', { cluster, name: 'app', owner: 'app', manageExtensionsWith: 'cnpg' });
      await whenDone(cluster.cluster.urn);
      expect(warn.mock.calls).toEqual([
        [
          expect.stringMatching(/^image-version-unknown: extensions\[0\]\.version: is not a pgvector version .*Fix: use one of 0\.8\.1/),
          cluster,
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  test('the Pulumi example program builds the Recipe 23 graph', async () => {
    const start = registered.length;
    jest.isolateModules(() => {
      require(path.resolve(__dirname, '..', '..', 'examples', 'pulumi', 'index.ts'));
    });
    await new Promise((r) => setTimeout(r, 500));
    const mine = registered.slice(start);
    const cluster = mine.find((r) => r.type === 'kubernetes:postgresql.cnpg.io/v1:Cluster') as Registered;
    expect((cluster.inputs.spec as { postgresql: unknown }).postgresql).toEqual({
      extensions: [
        { name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' } },
        {
          name: 'postgis',
          image: { reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie' },
          ld_library_path: ['system'],
          env: [
            { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
            { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
          ],
        },
      ],
    });
    const ext = mine.find((r) => r.type === 'pulumi-nodejs:dynamic/cnpg:PostgresExtensions') as Registered;
    expect(ext).toBeDefined();
    expect((unsecret(ext.inputs.connection) as { password: string }).password).toBe('s3cr3t-from-cnpg');
  });

  test('an Output that resolves to a bad value fails as the prompt checks do: a CnpgResourceError with its problems', async () => {
    const { checkResolved } = await import('../../lib/pulumi/inputs');
    const { checkStorageSize } = await import('../../lib/core/cluster');
    const resource = new pulumi.ComponentResource('test:x:Late', 'late');
    expect(checkResolved(resource, "PostgresCluster 'late'", 'storage.size', '5Gi', checkStorageSize)).toBe('5Gi');
    let err: unknown;
    try {
      checkResolved(resource, "PostgresCluster 'late'", 'storage.size', '5 Gi', checkStorageSize);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pl.CnpgResourceError);
    expect((err as pl.CnpgResourceError).message).toMatch(/^PostgresCluster at 'late' is invalid: storage\.size: /);
    expect((err as pl.CnpgResourceError).problems.map((p) => p.field)).toEqual(['storage.size']);
  });

  test('namespace and storage may be Outputs of other resources; the Database follows the cluster into its namespace', async () => {
    const ns = pulumi.output('team-a');
    const cluster = new pl.PostgresCluster('team', {
      ...props(),
      namespace: ns,
      storage: { size: pulumi.output('5Gi'), storageClass: pulumi.output('fast') },
    });
    new pl.ExtensionDatabase('team-app', {
      cluster,
      name: 'app',
      owner: 'app',
      manageExtensionsWith: 'cnpg',
      extensions: [{ name: 'vector' }],
    });
    await whenDone(cluster.cluster.urn);
    await new Promise((r) => setTimeout(r, 100));
    const c = byName('team-cluster').inputs as { metadata: { namespace: string }; spec: { storage: unknown } };
    expect(c.metadata.namespace).toBe('team-a');
    expect(c.spec.storage).toEqual({ size: '5Gi', storageClass: 'fast' });
    expect((byName('team-app-database').inputs as { metadata: { namespace: string } }).metadata.namespace).toBe('team-a');
  });
});
