// CNPG's webhook rules over a Cluster's name, operand image, storage, resources and scheduling.
// cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go unless said otherwise.
import { DNS_1035_LABEL_PATTERN, LABEL_VALUE_PATTERN, QUALIFIED_NAME_PATTERN } from '../names';
import type { KubeObject } from '../operator-manifest';
import { clusterView, list, majorFromTag, rec, referenceTag, str } from './cluster-view';
import { storageSize } from './cluster-config';
import { registerObjectRules } from './registry';
import { compareQuantities, isZeroQuantity, parsePostgresQuantity, parseQuantity, type Quantity } from './quantity';
import { Findings } from './rule';

function checkName(object: KubeObject): Findings {
  const out = new Findings();
  const name = clusterView(object).name;
  if (!DNS_1035_LABEL_PATTERN.test(name) || name.length > 63) {
    out.error(
      'cluster-name-not-dns1035',
      '.metadata.name',
      'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter (CNPG names Services after it)',
      name,
      'use a name such as "angus" or "db-1"',
    );
  }
  if (name.length > 50) {
    out.error(
      'cluster-name-too-long',
      '.metadata.name',
      `is ${name.length} characters long; CNPG allows at most 50`,
      name,
      'use a name of at most 50 characters',
    );
  }
  return out;
}

function checkImage(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  const image = str(spec.imageName);
  if (image !== '') {
    const tag = referenceTag(image);
    if (tag === 'latest') {
      out.error(
        'cluster-image-tag-latest',
        '.spec.imageName',
        "uses the 'latest' tag (or no tag): CNPG can't detect upgrades",
        image,
        'use a tag starting with the PostgreSQL version, such as ":18.4-minimal-trixie"',
      );
    } else if (tag === '') {
      out.error(
        'cluster-image-digest-only',
        '.spec.imageName',
        "has only a digest: CNPG can't detect upgrades without a version tag",
        image,
        'add the version tag before the digest: ":18.4-minimal-trixie@sha256:..."',
      );
    } else if (majorFromTag(tag) === undefined) {
      out.error(
        'cluster-image-tag-not-version',
        '.spec.imageName',
        'has a tag that does not start with a PostgreSQL version, so CNPG cannot tell its major',
        image,
        'use a tag such as "18", "18.4" or "18.4-minimal-trixie"',
      );
    }
  }
  const policy = spec.imagePullPolicy;
  if (policy !== undefined && policy !== '' && policy !== 'Always' && policy !== 'Never' && policy !== 'IfNotPresent') {
    out.error(
      'image-pull-policy-invalid',
      '.spec.imagePullPolicy',
      'must be Always, Never or IfNotPresent',
      policy,
      'use one of Always, Never, IfNotPresent',
    );
  }
  return out;
}

/** The library's own: CNPG's default operand image is a `system` image, whose bundled extensions shadow mounted ones. */
function checkDefaultImageWithExtensions(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  if (str(spec.imageName) === '' && !rec(spec.imageCatalogRef) && list(rec(spec.postgresql)?.extensions).length > 0) {
    out.error(
      'extensions-need-explicit-image',
      '.spec.imageName',
      "is not set, so CNPG runs its default operand image (a 'system' image); its bundled extensions are found before the mounted ones ($system leads extension_control_path)",
      undefined,
      'set imageName to a minimal image such as "ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie"',
    );
  }
  return out;
}

function checkStorageSize(out: Findings, field: string, storage: Record<string, unknown>): void {
  const size = str(storage.size);
  if (size !== '' && parseQuantity(size) === undefined) {
    out.error('storage-size-invalid', `${field}.size`, 'is not a Kubernetes quantity', size, 'use a size such as "1Gi" or "500Mi"');
  }
  const requested = rec(rec(rec(storage.pvcTemplate)?.resources)?.requests)?.storage;
  if (size === '' && (storage.pvcTemplate === undefined || isZeroQuantity(parseQuantity(String(requested ?? '0'))))) {
    out.error(
      'storage-size-required',
      `${field}.size`,
      'is not set (nor a storage request in pvcTemplate)',
      undefined,
      'set size, such as "1Gi"',
    );
  }
}

function checkStorage(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  checkStorageSize(out, '.spec.storage', rec(spec.storage) ?? {});
  const wal = rec(spec.walStorage);
  if (wal) checkStorageSize(out, '.spec.walStorage', wal);
  if (spec.ephemeralVolumeSource !== undefined && rec(spec.ephemeralVolumesSizeLimit)?.temporaryData !== undefined) {
    out.error(
      'ephemeral-volume-conflict',
      '.spec.ephemeralVolumeSource',
      'conflicts with ephemeralVolumesSizeLimit.temporaryData',
      undefined,
      'set only one of them',
    );
  }
  const tablespaces = list(spec.tablespaces);
  const names = new Set<string>();
  const volumes = new Set<string>();
  tablespaces.forEach((t, i) => {
    const tbs = rec(t) ?? {};
    const field = `.spec.tablespaces[${i}]`;
    checkStorageSize(out, `${field}.storage`, rec(tbs.storage) ?? {});
    const name = str(tbs.name);
    if (names.has(name.toLowerCase())) {
      out.error(
        'tablespace-name-duplicate',
        field,
        'repeats another tablespace name (PostgreSQL folds names to lower case)',
        name,
        'give each tablespace its own name',
      );
      return;
    }
    names.add(name.toLowerCase());
    const invalid = name.startsWith('pg_')
      ? "names starting with 'pg_' are reserved for PostgreSQL"
      : !/^[a-zA-Z_][a-zA-Z0-9_$]*$/.test(name)
        ? 'is not a PostgreSQL identifier (letters, digits, _ and $, starting with a letter or _)'
        : name.length > 63
          ? 'is longer than 63 characters'
          : undefined;
    if (invalid) out.error('tablespace-name-invalid', field, invalid, name, 'use a name such as "data2"');
    const volume = `tbs-${name.replace(/^_/, '1').replaceAll('$', '-').replaceAll('_', '-').toLowerCase()}`;
    if (volumes.has(volume)) {
      out.error(
        'tablespace-volume-name-collision',
        field,
        `gives the same volume name "${volume}" as another tablespace (special characters become "-")`,
        name,
        'rename one of them',
      );
    }
    volumes.add(volume);
  });
  const classes = rec(rec(rec(spec.backup)?.volumeSnapshot)?.tablespaceClassName);
  if (classes) {
    for (const name in classes) {
      if (!tablespaces.some((t) => str(rec(t)?.name) === name)) {
        out.error(
          'tablespace-snapshot-class-unknown',
          '.spec.backup.volumeSnapshot.tablespaceClassName',
          `names tablespace "${name}", which spec.tablespaces does not declare`,
          name,
          'declare the tablespace or remove the entry',
        );
      }
    }
  }
  return out;
}

function quantityOf(v: unknown): Quantity | undefined {
  return typeof v === 'string' ? parseQuantity(v) : typeof v === 'number' ? parseQuantity(String(v)) : undefined;
}

function checkResources(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  const resources = rec(v.spec.resources) ?? {};
  const requests = rec(resources.requests) ?? {};
  const limits = rec(resources.limits) ?? {};
  const pairs: [string, string, string][] = [
    ['cpu', 'resources-cpu-request-above-limit', 'CPU'],
    ['memory', 'resources-memory-request-above-limit', 'memory'],
    ['ephemeral-storage', 'resources-ephemeral-request-above-limit', 'ephemeral storage'],
  ];
  for (const [name, code, what] of pairs) {
    const r = quantityOf(requests[name]);
    const l = quantityOf(limits[name]);
    if (!isZeroQuantity(r) && !isZeroQuantity(l) && compareQuantities(r as Quantity, l as Quantity) > 0) {
      out.error(
        code,
        `.spec.resources.requests.${name}`,
        `asks for more ${what} than the limit`,
        requests[name],
        `lower the request to at most ${String(limits[name])}`,
      );
    }
  }
  // validateHugePagesResources: requests must equal limits; hugepages need cpu or memory.
  const hugePages: Quantity[] = [];
  for (const name in limits) if (name.startsWith('hugepages-')) hugePages.push(quantityOf(limits[name]) ?? ZERO);
  for (const name in requests) {
    if (!name.startsWith('hugepages-')) continue;
    const r = quantityOf(requests[name]) ?? ZERO;
    if (Object.hasOwn(limits, name)) {
      if (compareQuantities(quantityOf(limits[name]) ?? ZERO, r) !== 0)
        out.error(
          'resources-hugepages-request-not-limit',
          `.spec.resources.requests.${name}`,
          'must equal the hugepages limit',
          requests[name],
          `set it to ${String(limits[name])}`,
        );
      continue;
    }
    hugePages.push(r);
  }
  const memory = quantityOf(requests.memory);
  const zero = (n: string) => isZeroQuantity(quantityOf(requests[n])) && isZeroQuantity(quantityOf(limits[n]));
  if (hugePages.length > 0 && zero('cpu') && zero('memory')) {
    out.error(
      'resources-hugepages-need-cpu-or-memory',
      '.spec.resources',
      'requests huge pages without any cpu or memory',
      undefined,
      'also request cpu or memory',
    );
  }
  const sb = v.defaulted.shared_buffers;
  const sharedBuffers = sb ? parsePostgresQuantity(sb) : undefined;
  if (sharedBuffers && !isZeroQuantity(memory) && compareQuantities(sharedBuffers, memory as Quantity) > 0) {
    if (!hugePages.some((h) => compareQuantities(sharedBuffers, h) <= 0)) {
      out.error(
        'resources-memory-below-shared-buffers',
        '.spec.resources.requests',
        `requests less memory than shared_buffers (${sb})`,
        requests.memory,
        'request at least shared_buffers of memory (or of one hugepages size)',
      );
    }
  }
  return out;
}

const ZERO: Quantity = { numerator: 0n, scale: 0 };

function checkScheduling(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  const strategy = v.spec.primaryUpdateStrategy ?? 'unsupervised';
  if (strategy !== '' && strategy !== 'supervised' && strategy !== 'unsupervised') {
    out.error(
      'primary-update-strategy-invalid',
      '.spec.primaryUpdateStrategy',
      'must be supervised or unsupervised',
      strategy,
      'use "unsupervised" (the default) or "supervised"',
    );
  } else if (strategy === 'supervised' && v.instances === 1) {
    out.error(
      'primary-update-supervised-single',
      '.spec.primaryUpdateStrategy',
      'cannot be supervised with a single instance',
      strategy,
      'use "unsupervised" or more instances',
    );
  }
  const lease = rec(v.spec.primaryLease);
  if (lease) {
    const duration = Number(lease.leaseDurationSeconds ?? 15);
    const renew = Number(lease.renewDeadlineSeconds ?? 10);
    const retry = Number(lease.retryPeriodSeconds ?? 2);
    if (duration <= renew)
      out.error(
        'primary-lease-duration-too-short',
        '.spec.primaryLease.leaseDurationSeconds',
        `must be greater than renewDeadlineSeconds (${renew})`,
        duration,
        `use more than ${renew}`,
      );
    if (5 * renew <= 6 * retry)
      out.error(
        'primary-lease-renew-too-short',
        '.spec.primaryLease.renewDeadlineSeconds',
        `must be greater than 1.2 times retryPeriodSeconds (${retry})`,
        renew,
        `use more than ${(retry * 1.2).toFixed(1)}`,
      );
  }
  const affinity = rec(v.spec.affinity) ?? {};
  const type = affinity.podAntiAffinityType;
  if (type !== undefined && type !== '' && type !== 'preferred' && type !== 'required') {
    out.error(
      'pod-anti-affinity-type-invalid',
      '.spec.affinity.podAntiAffinityType',
      "must be 'preferred' (the default) or 'required'",
      type,
      'use "preferred" or "required"',
    );
  }
  for (const [i, t] of list(affinity.tolerations).entries()) checkToleration(out, rec(t) ?? {}, `.spec.affinity.tolerations[${i}]`);
  if (str(v.spec.serviceAccountName) !== '' && v.spec.serviceAccountTemplate !== undefined) {
    out.error(
      'service-account-name-and-template',
      '.spec.serviceAccountName',
      'and serviceAccountTemplate are mutually exclusive',
      v.spec.serviceAccountName,
      'keep one of them',
    );
  }
  return out;
}

/** `validateTolerations`, a copy of Kubernetes' own toleration validation. */
function checkToleration(out: Findings, t: Record<string, unknown>, field: string): void {
  const key = str(t.key);
  const operator = str(t.operator);
  const effect = str(t.effect);
  if (key !== '' && (!QUALIFIED_NAME_PATTERN.test(key) || key.split('/').pop()!.length > 63 || key.length > 316)) {
    out.error(
      'toleration-key-invalid',
      `${field}.key`,
      'is not a label name',
      key,
      'use a qualified name such as "node-role.kubernetes.io/db"',
    );
  }
  if (key === '' && operator !== 'Exists') {
    out.error(
      'toleration-empty-key-needs-exists',
      `${field}.operator`,
      'must be Exists when key is empty (which matches every key)',
      operator,
      'set operator: Exists, or a key',
    );
  }
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
    out.error(
      'toleration-seconds-need-no-execute',
      `${field}.effect`,
      "must be 'NoExecute' when tolerationSeconds is set",
      effect,
      'set effect: NoExecute',
    );
  }
  if (operator === 'Equal' || operator === '') {
    const value = str(t.value);
    if (!LABEL_VALUE_PATTERN.test(value) || value.length > 63)
      out.error(
        'toleration-value-invalid',
        `${field}.operator`,
        'has a value that is not a label value',
        value,
        'use at most 63 letters, digits, "-", "_" or "."',
      );
  } else if (operator === 'Exists') {
    if (str(t.value) !== '')
      out.error(
        'toleration-exists-with-value',
        `${field}.operator`,
        "needs an empty value with operator 'Exists'",
        t.value,
        'remove value',
      );
  } else {
    out.error('toleration-operator-invalid', `${field}.operator`, 'must be Equal or Exists', operator, 'use Equal or Exists');
  }
  if (effect !== '' && effect !== 'NoSchedule' && effect !== 'PreferNoSchedule' && effect !== 'NoExecute') {
    out.error(
      'toleration-effect-invalid',
      `${field}.effect`,
      'must be NoSchedule, PreferNoSchedule or NoExecute',
      effect,
      'use one of them',
    );
  }
}

registerObjectRules(
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validateName', check: (o) => checkName(o).list },
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validateImageName, validateImagePullPolicy', check: (o) => checkImage(o).list },
  {
    kinds: ['Cluster'],
    source: 'library',
    cite: "the library's own: api/v1/cluster_defaults.go fills in versions.DefaultImageName, a system image",
    check: (o) => checkDefaultImageWithExtensions(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateStorageSize, validateWalStorageSize, validateTablespaceStorageSize, validateEphemeralVolumeSource, validateTablespaceNames, validateTablespaceBackupSnapshot',
    check: (o) => checkStorage(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateResources, validateHugePagesResources, hasEnoughMemoryForSharedBuffers',
    check: (o) => checkResources(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validatePrimaryUpdateStrategy, validatePrimaryLease, validateAntiAffinity, validateTolerations, validateServiceAccountConfig',
    check: (o) => checkScheduling(o).list,
  },
);

void storageSize;
