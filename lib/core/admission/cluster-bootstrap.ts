// CNPG's webhook rules over how a Cluster starts and whom it follows: bootstrap (initdb, import, the sources of
// recovery and pg_basebackup), the secrets of external clusters, the promotion token's content, certificates and the
// superuser secret. cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go; defaults from
// api/v1/cluster_defaults.go. Recovery targets, volume snapshots, the rest of external clusters and replica mode,
// plugins and the in-tree Barman Cloud store are the backup rules' (backup-cluster.ts).
import type { KubeObject } from '../operator-manifest';
import { clusterView, externalCluster, list, rec, str } from './cluster-view';
import { goBase64Decode } from './go-parse';
import { registerObjectRules } from './registry';
import { Findings } from './rule';

const B = '.spec.bootstrap';

function checkBootstrap(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  const bootstrap = rec(spec.bootstrap);
  const initdb = rec(bootstrap?.initdb);
  const recovery = rec(bootstrap?.recovery);
  const pgBaseBackup = rec(bootstrap?.pg_basebackup);
  if ([initdb, recovery, pgBaseBackup].filter(Boolean).length > 1) {
    out.error(
      'bootstrap-methods-several',
      B,
      'sets more than one bootstrap method',
      undefined,
      'keep one of initdb, recovery and pg_basebackup',
    );
  }
  // The defaulting webhook fills in database "app" and owner = database for the method it defaults (recovery, else
  // pg_basebackup, else initdb), so only a monolith import without a database can leave the owner alone.
  if (initdb && !recovery && !pgBaseBackup) {
    const monolith = rec(initdb.import)?.type === 'monolith';
    if (monolith && str(initdb.database) === '' && str(initdb.owner) !== '') {
      out.error(
        'bootstrap-database-required',
        `${B}.initdb.database`,
        'is required when owner is set',
        undefined,
        'set database, or remove owner',
      );
    }
  }
  if (initdb && (recovery || pgBaseBackup)) {
    // initdb is not defaulted then: validateApplicationDatabase sees it as written.
    if (str(initdb.database) !== '' && str(initdb.owner) === '')
      out.error('bootstrap-owner-required', `${B}.initdb.owner`, 'is required when database is set', undefined, 'set owner');
    if (str(initdb.database) === '' && str(initdb.owner) !== '')
      out.error('bootstrap-database-required', `${B}.initdb.database`, 'is required when owner is set', undefined, 'set database');
  }
  if (initdb) {
    const segment = initdb.walSegmentSize;
    if (typeof segment === 'number' && segment !== 0 && (segment < 0 || (segment & (segment - 1)) !== 0)) {
      out.error(
        'initdb-wal-segment-size-not-power-of-two',
        `${B}.initdb.walSegmentSize`,
        'must be a power of 2',
        segment,
        'use 16, 32, 64, ...',
      );
    }
    const refs = rec(initdb.postInitApplicationSQLRefs);
    for (const [kind, field] of [
      ['secretRefs', 'secretRefs'],
      ['configMapRefs', 'configMapRefs'],
    ] as const) {
      if (list(refs?.[kind]).some((r) => str(rec(r)?.name) === '' || str(rec(r)?.key) === '')) {
        out.error(
          'initdb-sql-ref-incomplete',
          `${B}.initdb.postInitApplicationSQLRefs.${field}`,
          'has an entry without a name or a key',
          undefined,
          'give every entry a name and a key',
        );
      }
    }
    checkImport(out, rec(initdb.import));
  }
  if (pgBaseBackup && !externalCluster(spec, str(pgBaseBackup.source))) {
    out.error(
      'bootstrap-source-unknown',
      `${B}.pg_basebackup.source`,
      `names external cluster "${str(pgBaseBackup.source)}", which externalClusters does not list`,
      pgBaseBackup.source,
      'add it to externalClusters or fix the name',
    );
  }
  // validateBootstrapRecoverySource: a source that is listed but says nothing of how to reach it is refused here too
  // (a source that is not listed is the backup rules' recovery-source-not-found).
  const source = str(recovery?.source);
  const e = source === '' ? undefined : externalCluster(spec, source);
  if (e && e.connectionParameters === undefined && e.barmanObjectStore === undefined && e.plugin === undefined) {
    out.error(
      'recovery-source-unusable',
      `${B}.recovery.source`,
      `names external cluster "${source}", which has no connectionParameters, barmanObjectStore or plugin to recover from`,
      source,
      'say how to reach the source: its object store (the Barman Cloud plugin) or a streaming connection',
    );
  }
  return out;
}

function checkImport(out: Findings, imp: Record<string, unknown> | undefined): void {
  if (!imp) return;
  const field = `${B}.initdb.import`;
  const databases = list(imp.databases);
  const roles = list(imp.roles);
  if (imp.type === 'microservice') {
    if (databases.length !== 1)
      out.error(
        'import-microservice-databases',
        `${field}.databases`,
        'must name exactly one database for the microservice import type',
        databases,
        'list one database',
      );
    if (roles.length !== 0)
      out.error(
        'import-microservice-roles',
        `${field}.roles`,
        'cannot be imported with the microservice import type',
        roles,
        'remove roles, or use the monolith type',
      );
    if (databases.length === 1 && String(databases[0]).includes('*'))
      out.error(
        'import-microservice-wildcard',
        `${field}.databases[0]`,
        'cannot be a wildcard with the microservice import type',
        databases[0],
        'name the database',
      );
  } else if (imp.type === 'monolith') {
    if (databases.length < 1)
      out.error(
        'import-monolith-databases',
        `${field}.databases`,
        'must name at least one database for the monolith import type',
        databases,
        'list the databases, or "*"',
      );
    if (databases.length > 1 && databases.includes('*'))
      out.error(
        'import-wildcard-with-names',
        `${field}.databases`,
        'mixes "*" with database names',
        databases,
        'use "*" alone or only names',
      );
    if (roles.length > 1 && roles.includes('*'))
      out.error('import-wildcard-with-names', `${field}.roles`, 'mixes "*" with role names', roles, 'use "*" alone or only names');
    if (list(imp.postImportApplicationSQL).length > 0)
      out.error(
        'import-monolith-post-import-sql',
        `${field}.postImportApplicationSQL`,
        'is not allowed with the monolith import type',
        imp.postImportApplicationSQL,
        'remove it, or use the microservice type',
      );
  } else {
    out.error('import-type-invalid', `${field}.type`, 'is not an import type CNPG knows', imp.type, 'use "microservice" or "monolith"');
  }
}

/** validateExternalCluster: the secrets' names and keys become paths (the entry's own name is the backup rules'). */
function checkExternalClusterSecrets(object: KubeObject): Findings {
  const out = new Findings();
  const unsafe = (v: string) => v === '.' || v === '..' || v.includes('/') || v.includes('\\');
  list(clusterView(object).spec.externalClusters).forEach((raw, i) => {
    const e = rec(raw) ?? {};
    for (const s of ['sslCert', 'sslKey', 'sslRootCert']) {
      const sel = rec(e[s]);
      if (!sel) continue;
      for (const k of ['name', 'key'] as const) {
        if (unsafe(str(sel[k])))
          out.error(
            'external-cluster-path-unsafe',
            `.spec.externalClusters[${i}].${s}.${k}`,
            "cannot contain a path separator or a '..' component",
            sel[k],
            k === 'name' ? 'use the plain Secret name' : 'use a plain key',
          );
      }
    }
  });
  return out;
}

/** validatePromotionToken: the token's content (its other conditions are the backup rules'). */
function checkPromotionToken(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  const replica = rec(v.spec.replica);
  const token = str(replica?.promotionToken);
  if (token === '' || replica?.minApplyDelay !== undefined || v.isReplica) return out;
  const problem = promotionTokenProblem(token);
  if (problem)
    out.error(
      'promotion-token-invalid',
      '.spec.replica.promotionToken',
      problem,
      token,
      'use the token of the demoted primary (kubectl get cluster -o jsonpath={.status.demotionToken})',
    );
  return out;
}

const TOKEN_FIELDS = [
  'latestCheckpointTimelineID',
  'redoWalFile',
  'databaseSystemIdentifier',
  'latestCheckpointREDOLocation',
  'timeOfLatestCheckpoint',
  'operatorVersion',
];

/** `ParsePgControldataToken` and `IsValid` (pkg/utils/parser.go): base64 of a JSON object with six non-empty strings. */
function promotionTokenProblem(token: string): string | undefined {
  const bytes = goBase64Decode(token);
  if (!bytes) return 'is not base64';
  let content: unknown;
  try {
    content = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'is not JSON once decoded';
  }
  if (content !== null && rec(content) === undefined) return 'is not a JSON object once decoded';
  const c = rec(content) ?? {};
  for (const k of TOKEN_FIELDS)
    if (c[k] !== undefined && c[k] !== null && typeof c[k] !== 'string') return `has a ${k} that is not a string`;
  const missing = TOKEN_FIELDS.find((k) => str(c[k]) === '');
  return missing ? `has no ${missing}` : undefined;
}

function checkSecrets(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  const certs = rec(spec.certificates);
  if (certs) {
    if (str(certs.serverTLSSecret) !== '') {
      if (list(certs.serverAltDNSNames).length > 0)
        out.error(
          'certificates-alt-names-with-tls-secret',
          '.spec.certificates.serverAltDNSNames',
          "can't be set when serverTLSSecret is provided",
          certs.serverAltDNSNames,
          'remove serverAltDNSNames (the secret holds the names)',
        );
      if (str(certs.serverCASecret) === '')
        out.error(
          'certificates-server-ca-required',
          '.spec.certificates.serverCASecret',
          'is required when serverTLSSecret is provided',
          undefined,
          'set serverCASecret',
        );
    }
    if (str(certs.replicationTLSSecret) !== '' && str(certs.clientCASecret) === '')
      out.error(
        'certificates-client-ca-required',
        '.spec.certificates.clientCASecret',
        'is required when replicationTLSSecret is provided',
        undefined,
        'set clientCASecret',
      );
  }
  const su = rec(spec.superuserSecret);
  if (su && str(su.name) === '') out.error('superuser-secret-name-empty', '.spec.superuserSecret.name', 'is empty', '', 'name the Secret');
  return out;
}

registerObjectRules(
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateBootstrapMethod, validateInitDB, validateImport, validateRecoveryApplicationDatabase, validatePgBaseBackupApplicationDatabase, validateApplicationDatabase, validateBootstrapPgBaseBackupSource, validateBootstrapRecoverySource',
    check: (o) => checkBootstrap(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateExternalClusters, validateExternalCluster (the secret selectors)',
    check: (o) => checkExternalClusterSecrets(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validatePromotionToken (utils.ParsePgControldataToken, IsValid)',
    check: (o) => checkPromotionToken(o).list,
  },
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validateCerts, validateSuperuserSecret', check: (o) => checkSecrets(o).list },
);
