// Step: the PGDATA and WAL volumes.
import type { Problem } from '../errors';
import { checkDnsSubdomain, QUANTITY_PATTERN } from '../names';
import type { StorageProps } from './props';

/** Problems of a volume size (`storage.size`, `walStorage.size`). */
export function checkStorageSize(field: string, size: unknown): Problem[] {
  if (typeof size !== 'string' || !QUANTITY_PATTERN.test(size)) {
    return [
      {
        code: 'storage-size-invalid',
        field,
        message: 'is not a Kubernetes quantity',
        value: size,
        fix: 'use a size such as "1Gi" or "500Mi"',
      },
    ];
  }
  if (Number.parseFloat(size.replace(/^\+/, '')) === 0) {
    return [
      {
        code: 'storage-size-zero',
        field,
        message: 'is zero: a PersistentVolumeClaim needs a size larger than 0',
        value: size,
        fix: 'use a size such as "1Gi"',
      },
    ];
  }
  return [];
}

/** Problems of a StorageClass name. */
export function checkStorageClass(field: string, name: unknown): Problem[] {
  return checkDnsSubdomain(field, name, 'a StorageClass name');
}

/** Problems of `storage` or `walStorage` (`required`: whether it must be given). */
export function checkStorage(field: string, s: StorageProps | undefined, required: boolean): Problem[] {
  if (s === undefined) {
    return required ? [{ code: 'storage-required', field, message: 'is required', value: s, fix: 'set storage: { size: "1Gi" }' }] : [];
  }
  const out: Problem[] = [...checkStorageSize(`${field}.size`, s.size)];
  if (s.storageClass !== undefined) out.push(...checkStorageClass(`${field}.storageClass`, s.storageClass));
  return out;
}
