import { App, Chart, Testing } from 'cdk8s';
import { CnpgOperator, CnpgValidationError, ExtensionImage, type KubeObject, OperatorManifest, PostgresCluster } from '../../lib/cdk8s';
import { expectValidCnpgObjects } from '../support/crd-validator';
import type { Loose } from '../support/loose';

const upstream = OperatorManifest.load('1.30.0');
// structuredClone makes objects of another realm under jest: compare as JSON.
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const synthOperator = (props: ConstructorParameters<typeof CnpgOperator>[2] = {}): KubeObject[] => {
  const chart = new Chart(Testing.app(), 'ops');
  new CnpgOperator(chart, 'cnpg', props);
  return JSON.parse(JSON.stringify(Testing.synth(chart))) as KubeObject[];
};
const find = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind) as Loose;

describe('CnpgOperator', () => {
  const objs = synthOperator();

  test('emits every object of the release, CRDs and namespace first', () => {
    expect(objs).toHaveLength(26);
    expect(objs.slice(0, 11).every((o) => o.kind === 'CustomResourceDefinition')).toBe(true);
    expect(objs[11].kind).toBe('Namespace');
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(objs.map(key).sort()).toEqual(upstream.objects.map(key).sort());
  });

  test('the emitted CRDs equal the upstream CRDs object for object', () => {
    for (const crd of upstream.crds()) {
      expect(objs.find((o) => o.metadata.name === crd.metadata.name)).toStrictEqual(plain(crd));
    }
  });

  test('without customisation every object equals upstream', () => {
    for (const o of upstream.objects) {
      expect(objs.find((x) => x.kind === o.kind && x.metadata.name === o.metadata.name)).toStrictEqual(plain(o));
    }
  });

  test('customisations land where the Deployment and the other objects read them', () => {
    const custom = synthOperator({
      namespace: 'db-operators',
      image: 'registry.internal/mirror/cloudnative-pg:1.30.0',
      imagePullPolicy: 'IfNotPresent',
      imagePullSecrets: ['mirror-creds'],
      replicas: 2,
      resources: { limits: { memory: '512Mi' } },
      nodeSelector: { 'node-role.kubernetes.io/infra': '' },
      tolerations: [{ key: 'infra', operator: 'Exists', effect: 'NoSchedule' }],
      logLevel: 'debug',
    });
    const dep = find(custom, 'Deployment');
    const pod = dep.spec.template.spec;
    const mgr = pod.containers[0];
    expect(dep.metadata.namespace).toBe('db-operators');
    expect(dep.spec.replicas).toBe(2);
    expect(mgr.image).toBe('registry.internal/mirror/cloudnative-pg:1.30.0');
    expect(mgr.env.find((e: { name: string }) => e.name === 'OPERATOR_IMAGE_NAME').value).toBe(
      'registry.internal/mirror/cloudnative-pg:1.30.0',
    );
    expect(mgr.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.imagePullSecrets).toEqual([{ name: 'mirror-creds' }]);
    // ... and CNPG copies that secret into each cluster's namespace for the PostgreSQL pods, which run the operator image too.
    expect(mgr.env.find((e: { name: string }) => e.name === 'PULL_SECRET_NAME').value).toBe('mirror-creds');
    expect(mgr.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '100m', memory: '512Mi' } });
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/infra': '' });
    expect(pod.tolerations).toEqual([{ key: 'infra', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(mgr.args).toContain('--log-level=debug');
    expect(find(custom, 'Namespace').metadata.name).toBe('db-operators');
    expect(find(custom, 'ClusterRoleBinding').subjects[0].namespace).toBe('db-operators');
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      for (const w of find(custom, kind).webhooks) expect(w.clientConfig.service.namespace).toBe('db-operators');
    }
    for (const o of custom.filter((x) => x.metadata.namespace !== undefined)) expect(o.metadata.namespace).toBe('db-operators');
    // CRD schemas are untouched by customisation.
    for (const crd of upstream.crds()) expect(custom.find((o) => o.metadata.name === crd.metadata.name)).toStrictEqual(plain(crd));
  });

  test('install: "crds" emits only the CRDs; "none" nothing, without needing a manifest', () => {
    expect(synthOperator({ install: 'crds' }).map((o) => o.kind)).toEqual(Array(11).fill('CustomResourceDefinition'));
    expect(synthOperator({ install: 'none', version: '1.28.4' })).toEqual([]);
  });

  test('bad options fail with the construct path, the field and the fix', () => {
    expect(() => synthOperator({ replicas: 0, logLevel: 'loud' as 'info', namespace: 'Bad_NS', image: 'not a ref' })).toThrow(
      CnpgValidationError,
    );
    try {
      synthOperator({ resources: { limits: { memory: 'lots' } } });
    } catch (e) {
      expect((e as Error).message).toMatch(
        /CnpgOperator at 'ops\/cnpg' is invalid: resources.limits.memory: is not a Kubernetes quantity \(got "lots"\). Fix: use "200Mi"/,
      );
    }
  });

  test('clusters check their fields against the operator version of the app', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const ops = new Chart(app, 'ops');
    new CnpgOperator(ops, 'cnpg', { install: 'none', version: '1.28.4' });
    const chart = new Chart(app, 'db');
    expect(
      () =>
        new PostgresCluster(chart, 'angus', {
          imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
          storage: { size: '1Gi' },
          extensions: [ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: true })],
        }),
    ).toThrow(/extensions\[0\]\.env: extension env needs CNPG 1\.29\.0 or later, but the target operator is 1\.28\.4/);
  });

  test('the emitted CRDs validate the example objects (CNPG kinds)', () => {
    expect(expectValidCnpgObjects(objs)).toBe(0); // the operator manifest holds no CNPG custom objects
  });
});
