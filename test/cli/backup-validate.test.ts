// `cnpg-constructs validate` over YAML the constructs never saw: the backup rules hold there too.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runValidate } from '../../lib/cli/validate';

async function validate(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runValidate(args, { stdin: async () => '', stdout: (s) => (out += s), stderr: (s) => (out += s), cwd: process.cwd() });
  return { code, out };
}

function file(objects: object[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-backup-validate-'));
  const f = path.join(dir, 'backups.yaml');
  fs.writeFileSync(f, objects.map((o) => stringify(o)).join('---\n'));
  return f;
}

const base = { instances: 1, imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' } };
const barman = 'barman-cloud.cloudnative-pg.io';
const prod = {
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'prod', namespace: 'db' },
  spec: { ...base, plugins: [{ name: barman, isWALArchiver: true, parameters: { barmanObjectName: 'store' } }] },
};
const nightly = (schedule: string) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'ScheduledBackup',
  metadata: { name: 'nightly', namespace: 'db' },
  spec: { cluster: { name: 'prod' }, schedule, method: 'plugin', pluginConfiguration: { name: barman } },
});
const restore = (serverName?: string) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'restore', namespace: 'db' },
  spec: {
    ...base,
    bootstrap: { recovery: { source: 'prod', recoveryTarget: { targetTime: '2026-01-15T09:30:00Z' } } },
    externalClusters: [
      { name: 'prod', plugin: { name: barman, parameters: { barmanObjectName: 'store', ...(serverName ? { serverName } : {}) } } },
    ],
  },
});

test('a schedule, a recovery and an archive CNPG would accept and that lose or never take backups are refused', async () => {
  const r = await validate([file([prod, nightly('0 2 * * *'), restore()]), '-o', 'json']);
  expect(r.code).toBe(1);
  const findings = JSON.parse(r.out).findings as { severity: string; code: string; object: string; field: string; fix: string }[];
  expect(findings.map((f) => `${f.severity} ${f.code} ${f.object} ${f.field}`).sort()).toEqual([
    'error schedule-five-fields ScheduledBackup/db/nightly .spec.schedule',
    'error source-server-name-missing Cluster/db/restore .spec.externalClusters[0].plugin.parameters.serverName',
  ]);
  expect(findings.find((f) => f.code === 'schedule-five-fields')?.fix).toContain('"0 0 2 * * *"');
});

test('the same objects written right are valid', async () => {
  const r = await validate([file([prod, nightly('0 0 2 * * *'), restore('prod')])]);
  expect(r.out).toContain('valid: 3 object(s)');
  expect(r.code).toBe(0);
});

test('a scheduled backup of a cluster without a backup method, and the in-tree store on CNPG 1.30', async () => {
  const bare = { ...prod, spec: base };
  const inTree = {
    ...prod,
    metadata: { name: 'legacy', namespace: 'db' },
    spec: { ...base, backup: { barmanObjectStore: { destinationPath: 's3://b/legacy', s3Credentials: { inheritFromIAMRole: true } } } },
  };
  const r = await validate([file([bare, nightly('0 0 2 * * *'), inTree]), '-o', 'json']);
  expect(r.code).toBe(1);
  const findings = JSON.parse(r.out).findings as { severity: string; code: string; object: string }[];
  expect(findings.map((f) => `${f.severity} ${f.code} ${f.object}`).sort()).toEqual([
    'error backup-method-not-configured ScheduledBackup/db/nightly',
    'warning barman-object-store-deprecated Cluster/db/legacy',
  ]);
});
