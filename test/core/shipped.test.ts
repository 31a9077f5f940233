// The upstream files the package ships in data/: the default release manifest (what OperatorManifest.load gives when
// no file is named) and the CRDs of other projects' kinds, which the validator then checks objects against.
import { type KubeObject, MANIFEST_ENV, OperatorManifest, SHIPPED_CRDS, validateObject } from '../../lib/core';
import { hasCrdFor } from '../../lib/core/crds';
import { parsedFormBytes, readParsedForm } from '../../lib/core/shipped';

function withoutManifestFile<T>(f: () => T): T {
  const saved = process.env[MANIFEST_ENV];
  delete process.env[MANIFEST_ENV];
  try {
    return f();
  } finally {
    if (saved !== undefined) process.env[MANIFEST_ENV] = saved;
  }
}

test('with no file named, the release manifest is the one the package ships, checked against its sha256', () => {
  const m = withoutManifestFile(() => OperatorManifest.load('1.30.0'));
  expect([m.origin, m.version, m.sha256]).toEqual([
    'package',
    '1.30.0',
    'f8bede43fe4ee0d478c2355b204a36876b2ae4faac60f2a9452280b293da3b88',
  ]);
  expect(m.describe()).toBe(
    'CNPG 1.30.0 operator manifest: shipped in cnpg-constructs/data/cnpg-1.30.0.yaml.br (sha256 f8bede43fe4ee0d478c2355b204a36876b2ae4faac60f2a9452280b293da3b88)',
  );
  expect(m.objects).toHaveLength(26);
  expect(m.crds()).toHaveLength(11);
  // Each manifest's objects are its own: changing them changes no other manifest.
  (m.objects[0].metadata as { name: string }).name = 'changed';
  expect(withoutManifestFile(() => OperatorManifest.load('1.30.0')).objects[0].metadata.name).not.toBe('changed');
  // The same objects as the release file itself (../shared in this repository's checkouts).
  if (process.env[MANIFEST_ENV])
    expect(OperatorManifest.load('1.30.0').objects).toEqual(withoutManifestFile(() => OperatorManifest.load('1.30.0').objects));
});

describe('the shipped CRDs of other kinds', () => {
  const manifest = withoutManifestFile(() => OperatorManifest.load('1.30.0'));
  const objectStore = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: { name: 'store' },
    spec,
  });

  test('one per kind, each with its sha256', () => {
    expect(SHIPPED_CRDS.map((c) => `${c.group}/${c.kind}`)).toEqual([
      'barmancloud.cnpg.io/ObjectStore',
      'monitoring.coreos.com/PodMonitor',
      'monitoring.coreos.com/PrometheusRule',
    ]);
    for (const c of SHIPPED_CRDS) expect(c.file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('an ObjectStore and a PrometheusRule are validated against them', () => {
    const good = objectStore({ configuration: { destinationPath: 's3://backups/', s3Credentials: { inheritFromIAMRole: true } } });
    expect(validateObject(good, manifest)).toEqual([]);
    expect(validateObject(objectStore({ configuration: { destinationPath: 's3://b/' }, retentionPolicy: 30 }), manifest)).toEqual([
      expect.objectContaining({ path: '.spec.retentionPolicy', message: 'must be of type string, got number' }),
    ]);
    const rule: KubeObject = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r' },
      spec: { groups: [{ name: 'cnpg', rules: [{ alert: 'Down', expr: 'up == 0', for: 'soon' }] }] },
    };
    expect(validateObject(rule, manifest).map((e) => e.path)).toEqual(['.spec.groups[0].rules[0].for']);
    expect(hasCrdFor(rule) && hasCrdFor(good)).toBe(true);
  });

  test("other kinds are not the validator's; a CNPG kind the release lacks is an error", () => {
    expect(hasCrdFor({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' } })).toBe(false);
    expect(hasCrdFor({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toBe(false);
    expect(validateObject({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Nothing', metadata: { name: 'x' } }, manifest)).toEqual([
      { path: '.kind', message: 'CNPG 1.30.0 has no CRD for postgresql.cnpg.io/v1 Nothing' },
    ]);
  });
});

describe('the parsed form the build writes beside a shipped text', () => {
  const text = 'f'.repeat(64);
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }];

  test('is current for the text it was made from, stale for another text or the older format', () => {
    const bytes = parsedFormBytes(text, objects);
    expect(readParsedForm(bytes, text)).toEqual({ state: 'current', objects });
    expect(readParsedForm(bytes, 'e'.repeat(64))).toEqual({ state: 'stale' });
    // The format before the header line: one JSON object with the text's sha256 and the objects.
    expect(readParsedForm(Buffer.from(JSON.stringify({ sha256: text, objects })), text)).toEqual({ state: 'stale' });
  });

  test('is damaged when its JSON does not match the digest its header records, or the header is not JSON', () => {
    const bytes = parsedFormBytes(text, objects);
    const changed = Buffer.from(bytes.toString('utf8').replace('"name":"a"', '"name":"b"'));
    expect(readParsedForm(changed, text)).toEqual({ state: 'damaged' });
    expect(readParsedForm(Buffer.from(`{not json\n[]`), text)).toEqual({ state: 'damaged' });
  });
});
