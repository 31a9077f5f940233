// The tests validate with the library's own validator (lib/core/validator.ts), against the manifest the suite uses.
import { cnpgSchemaErrors, isCnpgObject, type KubeObject, OperatorManifest, validateCnpgObject as validate } from '../../lib/core';

let cached: OperatorManifest | undefined;
export function defaultManifest(): OperatorManifest {
  cached ??= OperatorManifest.load('1.30.0');
  return cached;
}

export function validateCnpgObject(obj: KubeObject, manifest: OperatorManifest = defaultManifest()) {
  return validate(obj, manifest);
}

/** Jest helper: throws with every schema error of every CNPG object among `objects`. Returns how many were checked. */
export function expectValidCnpgObjects(objects: readonly KubeObject[]): number {
  const problems = cnpgSchemaErrors(objects, defaultManifest());
  if (problems.length > 0) throw new Error(`objects rejected by the CNPG CRD schemas:\n${problems.join('\n')}`);
  return objects.filter(isCnpgObject).length;
}
