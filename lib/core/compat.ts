import type { ClusterSpec } from '../../imports/postgresql.cnpg.io.spec';
import { NO_PROBLEMS, type Problem } from './errors';

/** The CNPG release this library targets by default. */
export const DEFAULT_OPERATOR_VERSION = '1.30.0';

const parsedVersions = new Map<string, [number, number, number] | undefined>();

export function parseVersion(v: string): [number, number, number] | undefined {
  // Every cluster asks for the same one or two versions: parse each string once.
  if (parsedVersions.has(v)) return parsedVersions.get(v);
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v);
  const parsed: [number, number, number] | undefined = m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
  if (parsedVersions.size < 64) parsedVersions.set(v, parsed);
  return parsed;
}

function atLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

/**
 * CNPG features by the first operator version that implements them (not just accepts them: 1.27.4
 * and 1.28.2+ accept `bin_path`, `env` and catalog extensions in the schema but ignore them).
 */
export const FEATURES = {
  imageVolumeExtensions: { since: '1.27.0', what: 'spec.postgresql.extensions (extension images)' },
  extensionBinPath: { since: '1.29.0', what: 'extension bin_path' },
  extensionEnv: { since: '1.29.0', what: 'extension env' },
  catalogExtensions: { since: '1.29.0', what: 'extensions taken from an image catalog' },
} as const;

const FEATURE_MINIMUMS = Object.fromEntries(Object.entries(FEATURES).map(([k, f]) => [k, parseVersion(f.since)])) as Record<
  keyof typeof FEATURES,
  [number, number, number]
>;

/** `_` in extension names: 1.27.3+ on the 1.27 line, 1.28.1+ on 1.28, every 1.29+. */
function underscoreNamesSupported(v: [number, number, number]): boolean {
  if (v[0] > 1 || v[1] >= 29) return true;
  if (v[1] === 28) return v[2] >= 1;
  if (v[1] === 27) return v[2] >= 3;
  return false;
}

const everything = new WeakMap<readonly number[], boolean>();

/** Whether an operator version implements every feature above (parsed versions are shared: answered once each). */
function implementsEverything(v: [number, number, number]): boolean {
  let all = everything.get(v);
  if (all === undefined) {
    all = underscoreNamesSupported(v) && Object.values(FEATURE_MINIMUMS).every((min) => atLeast(v, min));
    everything.set(v, all);
  }
  return all;
}

/** Whether `version` (a CNPG version) implements `feature`; false for a version that does not parse. */
export function supportsFeature(version: string, feature: keyof typeof FEATURES): boolean {
  const v = parseVersion(version);
  return v !== undefined && (implementsEverything(v) || atLeast(v, FEATURE_MINIMUMS[feature]));
}

/** Problems for fields of `spec` the operator version cannot honour. */
export function checkOperatorCompatibility(version: string, spec: ClusterSpec, field: string): Problem[] {
  const v = parseVersion(version);
  if (!v)
    return [
      { code: 'operator-version-invalid', field, message: 'is not a CNPG version', value: version, fix: 'use a version such as "1.30.0"' },
    ];
  // Every cluster is checked: an operator that implements every feature (the default) needs no walk.
  if (implementsEverything(v)) return NO_PROBLEMS;
  const out: Problem[] = [];
  const exts = spec.postgresql?.extensions ?? [];
  const need = (feature: keyof typeof FEATURES, where: string) => {
    const f = FEATURES[feature];
    if (!atLeast(v, FEATURE_MINIMUMS[feature])) {
      out.push({
        code: 'operator-version-too-old',
        field: where,
        message: `${f.what} needs CNPG ${f.since} or later, but the target operator is ${version}`,
        value: version,
        fix: `target CNPG ${f.since}+ (operatorVersion) or remove it`,
      });
    }
  };
  if (exts.length > 0) need('imageVolumeExtensions', 'extensions');
  exts.forEach((e, i) => {
    if (e.binPath?.length) need('extensionBinPath', `extensions[${i}].binPath`);
    if (e.env?.length) need('extensionEnv', `extensions[${i}].env`);
    if (spec.imageCatalogRef && !e.image?.reference) need('catalogExtensions', `extensions[${i}]`);
    if (e.name.includes('_') && atLeast(v, [1, 27, 0]) && !underscoreNamesSupported(v)) {
      out.push({
        code: 'operator-volume-name-bug',
        field: `extensions[${i}].name`,
        message: `CNPG ${version} turns "_" into an invalid volume name (fixed in 1.27.3, 1.28.1, 1.29.0)`,
        value: e.name,
        fix: 'use "-" instead of "_" or target a fixed operator version',
      });
    }
  });
  return out;
}
