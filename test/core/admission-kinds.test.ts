// The per-check index of a set by API group and kind (lib/core/admission/kinds.ts): set rules read their kinds from
// it, so what it returns (which objects, in which order) is what those rules report on, and in which order.
import { admissionFindings, type KubeObject } from '../../lib/core';
import { groupOf, ofKind, ofKinds } from '../../lib/core/admission/kinds';

const o = (apiVersion: unknown, kind: unknown, name: string, namespace = 'a', spec: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion, kind, metadata: { name, namespace }, spec }) as KubeObject;

describe('groupOf', () => {
  it.each([
    ['postgresql.cnpg.io/v1', 'postgresql.cnpg.io'],
    ['barmancloud.cnpg.io/v1', 'barmancloud.cnpg.io'],
    ['v1', ''],
    ['', ''],
    [undefined, ''],
    [42, ''],
  ])('%p is in group %p', (apiVersion, group) => expect(groupOf(apiVersion)).toBe(group));
});

describe('ofKind and ofKinds', () => {
  const c1 = o('postgresql.cnpg.io/v1', 'Cluster', 'c1');
  const b1 = o('postgresql.cnpg.io/v1', 'Backup', 'b1');
  const s1 = o('postgresql.cnpg.io/v1', 'ScheduledBackup', 's1');
  const c2 = o('postgresql.cnpg.io/v1', 'Cluster', 'c2');
  const b2 = o('postgresql.cnpg.io/v1', 'Backup', 'b2');
  const other = o('example.com/v1', 'Cluster', 'not-cnpg');
  const core = o('v1', 'Cluster', 'core-group');
  const objects = [c1, b1, null, 'text', [], s1, other, c2, core, b2, { kind: 7 }] as unknown as KubeObject[];
  const ctx = { operatorVersion: '1.30.0', objects };

  it('returns the objects of one group and kind in set order, and nothing of another group or a non-object', () => {
    expect(ofKind(ctx, 'postgresql.cnpg.io', 'Cluster')).toEqual([c1, c2]);
    expect(ofKind(ctx, 'example.com', 'Cluster')).toEqual([other]);
    expect(ofKind(ctx, '', 'Cluster')).toEqual([core]);
    expect(ofKind(ctx, 'postgresql.cnpg.io', 'Pooler')).toEqual([]);
  });

  it('merges several kinds in set order, not kind by kind', () => {
    const kinds = [
      ['postgresql.cnpg.io', 'ScheduledBackup'],
      ['postgresql.cnpg.io', 'Backup'],
    ] as const;
    expect(ofKinds(ctx, kinds)).toEqual([b1, s1, b2]);
    expect(ofKinds(ctx, [['postgresql.cnpg.io', 'Backup']])).toEqual([b1, b2]);
    expect(ofKinds(ctx, [['postgresql.cnpg.io', 'Pooler']])).toEqual([]);
  });

  it('indexes each context on its own: a new context over a changed set sees the change', () => {
    const mutable = [c1];
    expect(ofKind({ operatorVersion: '1.30.0', objects: mutable }, 'postgresql.cnpg.io', 'Cluster')).toEqual([c1]);
    mutable.push(c2);
    expect(ofKind({ operatorVersion: '1.30.0', objects: mutable }, 'postgresql.cnpg.io', 'Cluster')).toEqual([c1, c2]);
  });
});

describe('set rules report in set order across kinds', () => {
  it('backups and scheduled backups of a cluster in another namespace, interleaved', () => {
    const spec = { cluster: { name: 'db' }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } };
    const objects = [
      o('postgresql.cnpg.io/v1', 'Cluster', 'db', 'b', { instances: 1, storage: { size: '1Gi' } }),
      o('postgresql.cnpg.io/v1', 'ScheduledBackup', 'first', 'a', { ...spec, schedule: '0 0 0 * * *' }),
      o('postgresql.cnpg.io/v1', 'Backup', 'second', 'a', spec),
      o('postgresql.cnpg.io/v1', 'ScheduledBackup', 'third', 'a', { ...spec, schedule: '0 0 0 * * *' }),
    ];
    const found = admissionFindings(objects).filter((f) => f.code === 'backup-cluster-namespace');
    expect(found.map((f) => f.object.metadata?.name)).toEqual(['first', 'second', 'third']);
  });

  it('a pooler, a PodMonitor and a Database, interleaved, none with its cluster in the set', () => {
    const objects = [
      o('postgresql.cnpg.io/v1', 'Database', 'app', 'a', { name: 'app', owner: 'app', cluster: { name: 'gone' } }),
      o('monitoring.coreos.com/v1', 'PodMonitor', 'mon', 'a', {
        selector: { matchLabels: { 'cnpg.io/cluster': 'gone' } },
        podMetricsEndpoints: [{ port: 'metrics' }],
      }),
      o('postgresql.cnpg.io/v1', 'Pooler', 'gone-pooler', 'a', { cluster: { name: 'gone' }, pgbouncer: {} }),
    ];
    const codes = new Set(['database-owner-unknown', 'pod-monitor-target-not-in-set', 'pooler-cluster-not-in-set']);
    const found = admissionFindings(objects).filter((f) => codes.has(f.code));
    expect(found.map((f) => f.code)).toEqual(['database-owner-unknown', 'pod-monitor-target-not-in-set', 'pooler-cluster-not-in-set']);
  });
});
