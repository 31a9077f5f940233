// The cdk8s-cli validation plugin reports the library's findings, each with its code, over every object whose CRD
// the library holds (CNPG's from the release, others from the shipped CRDs), with no manifest named: the package's.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { CnpgValidation } from '../../lib/core';

type Violation = {
  ruleName: string;
  recommendation: string;
  fix: string;
  violatingResources: { resourceName: string; locations: string[] }[];
};

async function report(objects: unknown[]): Promise<{ status: string; violations: Violation[] }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-plugin-')), 'app.k8s.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  const violations: Violation[] = [];
  let status = '';
  const saved = process.env.CNPG_OPERATOR_MANIFEST;
  delete process.env.CNPG_OPERATOR_MANIFEST; // the release the package ships
  try {
    await new CnpgValidation().validate({
      manifests: [file],
      report: { addViolation: (v) => violations.push(v as Violation), submit: (s) => (status = s) },
    });
  } finally {
    process.env.CNPG_OPERATOR_MANIFEST = saved;
  }
  return { status, violations };
}

test('CRD findings of CNPG and shipped kinds carry their code; the report fails', async () => {
  const { status, violations } = await report([
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'c' },
      spec: { instances: 'three', storage: { size: '1Gi' } },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'm' },
      spec: { selector: {}, podMetricsEndpoints: [{ port: 'metrics', intervl: '30s' }] },
    },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'skipped' }, spec: { bogus: true } },
  ]);
  expect(status).toBe('failure');
  expect(violations.map((v) => [v.ruleName, v.recommendation.split(':')[0], v.violatingResources])).toEqual([
    [
      'CNPG 1.30.0 CRD: must be of type integer, got string',
      'crd-schema',
      [{ resourceName: 'Cluster/c', locations: ['.spec.instances'], manifestPath: expect.any(String) }],
    ],
    [
      'prometheus-operator v0.93.0 example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml CRD: unknown field "intervl"',
      'crd-schema',
      [{ resourceName: 'PodMonitor/m', locations: ['.spec.podMetricsEndpoints[0].intervl'], manifestPath: expect.any(String) }],
    ],
  ]);
});

test('valid objects: success, no violation', async () => {
  const { status, violations } = await report([
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'c' },
      spec: { instances: 1, imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' } },
    },
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: 'd' },
      spec: { name: 'app', owner: 'app', cluster: { name: 'c' } },
    },
  ]);
  expect([status, violations]).toEqual(['success', []]);
});
