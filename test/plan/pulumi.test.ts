// Pulumi: the plan over the objects a program registers, before `pulumi up`. The components keep the model
// they emit, so the new objects are clusterManifest(cluster.model) and databaseManifest(db.model); the previous
// ones are the last program's (here: what it registered) or the live objects. Run under pulumi.runtime.setMocks,
// the registered inputs are what the Kubernetes provider would receive.
import * as pulumi from '@pulumi/pulumi';

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'cnpg',
  'plan',
  false,
);

import * as pl from '../../lib/pulumi';

const whenDone = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));

/** One version of the program: the cluster `angus` and its database with pgvector at `version`. */
async function program(tag: string, version: string, parameters: Record<string, string> = {}) {
  const images = [pl.ExtensionImage.pgvector(version)];
  const cluster = new pl.PostgresCluster(`${tag}-angus`, {
    name: 'angus',
    namespace: 'db',
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    instances: 2,
    storage: { size: '1Gi' },
    extensions: images,
    postgresql: { parameters },
  });
  const db = new pl.ExtensionDatabase(`${tag}-app`, {
    cluster,
    name: 'app',
    owner: 'app',
    extensions: images,
    manageExtensionsWith: 'cnpg',
  });
  await whenDone(db.database.urn);
  const objects = registered
    .filter((r) => r.name.startsWith(`${tag}-`) && r.type.startsWith('kubernetes:postgresql.cnpg.io/'))
    .map((r) => r.inputs);
  return { cluster, db, objects };
}

test('planChanges over the registered objects of two versions of the program', async () => {
  const v1 = await program('v1', '0.8.0');
  const v2 = await program('v2', '0.8.1', { shared_buffers: '1GB' });
  const plan = pl.planChanges(v1.objects, v2.objects);
  const cluster = plan.objects.find((o) => o.kind === 'Cluster');
  expect(cluster?.changes.map((c) => [c.code, c.effect])).toEqual([
    ['extension-image-changed', 'roll'],
    ['parameter-postmaster', 'restart'],
  ]);
  expect(cluster?.rollout?.steps[0]).toMatch(/the 1 replica\(s\)/);
  expect(plan.objects.find((o) => o.kind === 'Database')?.statements?.map((s) => s.sql)).toEqual([
    'ALTER EXTENSION "vector" UPDATE TO "0.8.1"',
  ]);

  // The same plan from the components' models, without anything registered.
  const fromModels = pl.planChanges(
    [pl.clusterManifest(v1.cluster.model), pl.databaseManifest(v1.db.model)],
    [pl.clusterManifest(v2.cluster.model), pl.databaseManifest(v2.db.model)],
  );
  expect(fromModels.objects.map((o) => [o.id, o.effect, o.changes.map((c) => c.code)])).toEqual(
    plan.objects.map((o) => [o.id, o.effect, o.changes.map((c) => c.code)]),
  );
});
