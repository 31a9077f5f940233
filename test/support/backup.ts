// The plugin's ObjectStore CRD (v0.14.0, in ../shared until the package ships it) and a check of a set of objects
// against it and CNPG's CRDs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { type KubeObject, validateAgainstSchema } from '../../lib/core';
import { expectValidCnpgObjects } from './crd-validator';

export const BARMAN_SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'barman-cloud');
export const BARMAN_TREE_MANIFEST = path.join(BARMAN_SHARED, 'manifest-v0.14.0-tree.yaml');
const CRD = parse(fs.readFileSync(path.join(BARMAN_SHARED, 'barmancloud.cnpg.io_objectstores.yaml'), 'utf8'));

/** Every ObjectStore against the plugin v0.14.0 CRD (schema and CEL), every CNPG object against CNPG 1.30.0's. */
export function expectValidBackupObjects(objects: readonly KubeObject[]): void {
  expectValidCnpgObjects(objects);
  const schema = CRD.spec.versions[0].schema.openAPIV3Schema;
  const errors = objects
    .filter((o) => o.kind === 'ObjectStore')
    .flatMap((o) => validateAgainstSchema({ ...o, metadata: {} }, schema).map((e) => `${o.metadata.name} ${e.path}: ${e.message}`));
  if (errors.length > 0) throw new Error(`ObjectStores rejected by the plugin's CRD:\n${errors.join('\n')}`);
}
