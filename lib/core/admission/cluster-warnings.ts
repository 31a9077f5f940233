// What CNPG's webhook accepts with a warning (`getAdmissionWarnings`): each becomes a `warning` finding that names
// the replacement. cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go.
import type { KubeObject } from '../operator-manifest';
import { clusterView, rec, str } from './cluster-view';
import { goParseDuration } from './go-parse';
import { isGoInt, isZeroQuantity, parseQuantity } from './quantity';
import { registerObjectRules } from './registry';
import { Findings } from './rule';

function clusterWarnings(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  const spec = v.spec;
  if (spec.nodeMaintenanceWindow !== undefined) {
    out.warn(
      'node-maintenance-window-deprecated',
      '.spec.nodeMaintenanceWindow',
      'is superseded by enablePDB',
      spec.nodeMaintenanceWindow,
      'use spec.enablePDB (true by default) instead',
    );
  }
  // getInTreeBarmanWarnings and getRetentionPolicyWarnings are the backup rules' (backup-cluster.ts).
  for (const key of ['storage', 'walStorage'] as const) {
    const s = rec(spec[key]);
    const template = rec(s?.pvcTemplate);
    if (!s || !template) continue;
    if (s.storageClass !== undefined && template.storageClassName !== undefined)
      out.warn(
        'storage-class-twice',
        `.spec.${key}.storageClass`,
        `and ${key}.pvcTemplate.storageClassName are both set; storageClass wins`,
        s.storageClass,
        'remove pvcTemplate.storageClassName',
      );
    const requested = rec(rec(template.resources)?.requests)?.storage;
    if (str(s.size) !== '' && !isZeroQuantity(parseQuantity(String(requested ?? '0'))))
      out.warn(
        'storage-size-twice',
        `.spec.${key}.size`,
        `and ${key}.pvcTemplate.resources.requests.storage are both set; size wins`,
        s.size,
        'remove the pvcTemplate storage request',
      );
  }
  const sb = v.parameters.shared_buffers;
  if (sb !== undefined && sb !== '' && isGoInt(sb)) {
    out.warn(
      'shared-buffers-no-unit',
      '.spec.postgresql.parameters.shared_buffers',
      'has no unit; CNPG will require one in a future release',
      sb,
      `write "${sb}MB"`,
    );
  }
  const monitoring = rec(spec.monitoring);
  const ttl = monitoring?.metricsQueriesTTL;
  if (typeof ttl === 'string' && goParseDuration(ttl) === 0) {
    out.warn(
      'metrics-queries-ttl-zero',
      '.spec.monitoring.metricsQueriesTTL',
      'is 0, which disables the TTL and can load the server heavily',
      ttl,
      'remove it (30s by default) or set a duration',
    );
  }
  // The deprecated PodMonitor fields (getDeprecatedMonitoringFieldsWarnings) are the serving rules' (serving.ts).
  return out;
}

registerObjectRules({ kinds: ['Cluster'], cite: 'cluster_webhook.go getAdmissionWarnings', check: (o) => clusterWarnings(o).list });
