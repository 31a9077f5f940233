// Agreement with CloudNativePG 1.30.0's admission, measured case by case (test/core/admission-cases*.ts): for every
// case the library models, admissionFindings and `cnpg-constructs validate` give CNPG's verdict (refused, accepted,
// accepted with a warning) and a refusal names the field; the cases the library does not model are listed and
// checked to be still unmodelled; every validation function of CNPG's webhooks is cited by a rule or listed.
import { stringify } from 'yaml';
import { admissionFindings, type KubeObject, OperatorManifest } from '../../lib/core';
import { cnpgDefaulted } from '../../lib/core/admission/defaults';
import { OBJECT_RULES } from '../../lib/core/admission/registry';
import { validateCnpgObject } from '../../lib/core/validator';
import { runValidate } from '../../lib/cli/validate';
import { type AgreementCase, CLUSTER_CASES, type Verdict } from './admission-cases';
import { DIVERGENCES, MORE_CLUSTER_CASES, NOT_MODELLED, OTHER_CASES } from './admission-cases-2';

const manifest = OperatorManifest.load('1.30.0');
const CASES: readonly AgreementCase[] = [...CLUSTER_CASES, ...MORE_CLUSTER_CASES, ...OTHER_CASES];

interface Outcome {
  readonly errors: string[];
  readonly warnings: string[];
}

/** What the library says of a case: the CRD's schema errors and the admission findings, as `field code` strings. */
function library(k: AgreementCase): Outcome {
  const errors = validateCnpgObject(cnpgDefaulted(k.object), manifest).map((e) => `${e.path} crd`);
  const warnings: string[] = [];
  for (const f of admissionFindings([k.object], { previous: k.previous ? [k.previous] : undefined })) {
    (f.severity === 'warning' ? warnings : errors).push(`${f.field} ${f.code}`);
  }
  return { errors, warnings };
}

/** A finding names CNPG's field when it is that field or one inside it (`.recoveryTarget.backupID` for `.recoveryTarget`). */
const names = (mine: string, cnpg: string) => mine === cnpg || mine.startsWith(`${cnpg}.`) || mine.startsWith(`${cnpg}[`);
const fieldOf = (s: string) => s.slice(0, s.lastIndexOf(' '));

function verdictOf(o: Outcome, field?: string): Verdict {
  if (o.errors.length > 0) return 'refuse';
  return field !== undefined && o.warnings.some((w) => names(fieldOf(w), field)) ? 'warn' : 'accept';
}

/** Whether the library gives CNPG's verdict on a case, and for a refusal or warning names CNPG's field. */
const agrees = (k: AgreementCase) => {
  const o = library(k);
  const field = k.field;
  if (k.cnpg === 'refuse') return o.errors.length > 0 && (field === undefined || o.errors.some((e) => names(fieldOf(e), field)));
  return o.errors.length === 0 && (k.cnpg !== 'warn' || o.warnings.some((w) => names(fieldOf(w), field as string)));
};

describe("agreement with CNPG 1.30.0's admission", () => {
  test.each(CASES.map((k) => [`${k.cite} ${k.what}`, k] as const))('%s', (_name, k) => {
    const o = library(k);
    if (k.cnpg === 'refuse') {
      expect({ refused: o.errors.length > 0, ...o }).toEqual(expect.objectContaining({ refused: true }));
      const field = k.field;
      if (field !== undefined)
        expect({ named: o.errors.some((e) => names(fieldOf(e), field)), ...o }).toEqual(expect.objectContaining({ named: true }));
    } else {
      expect(o.errors).toEqual([]);
      const field = k.field as string;
      if (k.cnpg === 'warn')
        expect({ named: o.warnings.some((w) => names(fieldOf(w), field)), ...o }).toEqual(expect.objectContaining({ named: true }));
    }
  });

  test('the table is substantial and cites CNPG tests: most refusals, many acceptances, each kind', () => {
    const count = (v: Verdict) => CASES.filter((k) => k.cnpg === v).length;
    expect(count('refuse')).toBeGreaterThan(150);
    expect(count('accept')).toBeGreaterThan(80);
    expect(count('warn')).toBeGreaterThanOrEqual(8);
    for (const k of CASES) expect(k.cite).toMatch(/^internal\/webhook\/v1\/\w+_webhook(_test)?\.go:\d+$/);
    expect(new Set(CASES.map((k) => k.object.kind))).toEqual(new Set(['Cluster', 'Database', 'Pooler', 'ScheduledBackup', 'Backup']));
  });

  test('cnpg-constructs validate gives the same verdict for every case, updates through --previous', async () => {
    // Each case in its own namespace, so that nothing is shared between them.
    const place = (o: KubeObject, i: number) => ({ ...o, metadata: { ...(o.metadata as object), namespace: `case-${i}` } }) as KubeObject;
    // Written as cdk8s writes YAML (1.1: "on" quoted), so that kubectl's reader gets the strings back.
    const yaml11 = (o: KubeObject) => stringify(o, { version: '1.1' });
    const stream = CASES.map((k, i) => yaml11(place(k.object, i))).join('---\n');
    const previous = CASES.flatMap((k, i) => (k.previous ? [yaml11(place(k.previous, i))] : [])).join('---\n');
    const fs = require('node:fs') as typeof import('node:fs');
    const dir = fs.mkdtempSync(`${require('node:os').tmpdir()}/cnpg-agreement-`);
    fs.writeFileSync(`${dir}/previous.yaml`, previous);
    let out = '';
    await runValidate(['--manifest', manifest.source, '--previous', `${dir}/previous.yaml`, '-o', 'json', '-'], {
      stdin: async () => stream,
      stdout: (s) => (out += s),
      stderr: () => undefined,
      cwd: process.cwd(),
    });
    const findings = JSON.parse(out).findings as { document: number; severity: string; field: string }[];
    const disagreements = CASES.flatMap((k, i) => {
      const mine = findings.filter((f) => f.document === i);
      const o = {
        errors: mine.filter((f) => f.severity === 'error').map((f) => f.field),
        warnings: mine.filter((f) => f.severity === 'warning').map((f) => `${f.field} x`),
      };
      const got = verdictOf({ errors: o.errors, warnings: o.warnings }, k.field);
      const field = k.field;
      const fieldOk = k.cnpg !== 'refuse' || field === undefined || o.errors.some((e) => names(e, field));
      return got === k.cnpg && fieldOk ? [] : [`${k.cite} ${k.what}: CNPG ${k.cnpg}, validate ${got} ${JSON.stringify(o.errors)}`];
    });
    expect(disagreements).toEqual([]);
  });

  test.each(NOT_MODELLED.map((k) => [`${k.cite} ${k.what}`, k] as const))('not modelled (still): %s', (_name, k) => {
    expect(verdictOf(library(k), k.field)).not.toBe(k.cnpg);
  });

  test.each(DIVERGENCES.map((k) => [`${k.cite} ${k.what}`, k] as const))('diverges (still, as listed): %s', (_name, k) => {
    const o = library(k);
    const said = [...o.errors.map((e) => `refuse ${e}`), ...o.warnings.map((w) => `warn ${w}`)];
    expect({ agrees: agrees(k), said }).toEqual({ agrees: false, said: expect.arrayContaining([k.library]) });
  });
});

/** Every validation function of CNPG 1.30.0's webhooks (internal/webhook/v1/*_webhook.go): cited by a rule, or listed. */
const WEBHOOK_FUNCTIONS = [
  ...'validateInitDB validateRecoveryApplicationDatabase validatePgBaseBackupApplicationDatabase validateImport validateSuperuserSecret validateCerts validateBootstrapMethod validateImageName validateImagePullPolicy validateRecoveryTarget validatePrimaryUpdateStrategy validateMinSyncReplicas validateMaxSyncReplicas validateStorageSize validateWalStorageSize validateEphemeralVolumeSource validateTablespaceStorageSize validateName validateTablespaceNames validateBootstrapPgBaseBackupSource validateTablespaceBackupSnapshot validateBootstrapRecoverySource validateBootstrapRecoveryDataSource validateExternalClusters validateTolerations validateAntiAffinity validateReplicaMode validateBackupConfiguration validateRetentionPolicy validateConfiguration validateSynchronousReplicaConfiguration validateFailoverQuorumAlphaAnnotation validateFailoverQuorum validateLDAP validateReplicationSlots validateSynchronizeLogicalDecoding validateEnv validateManagedServices validateManagedRoles validateManagedExtensions validateResources validateHibernationAnnotation validatePodPatchAnnotation validatePromotionToken validatePluginConfiguration validateLivenessPingerProbe validatePodSelectorRefs validateExtensions validateServiceAccountConfig validatePrimaryLease'.split(
    ' ',
  ),
  'validateClusterChanges',
  'getAdmissionWarnings',
];
/** Functions listed in NOT_MODELLED (by the part of CNPG they need). */
const PARTLY = {
  validateBackupConfiguration: "barman-cloud's ValidateBackupConfiguration: the backup rules' checkObjectStoreSpec (backup-cluster.ts)",
  validateRetentionPolicy: "barman-cloud's ValidateRetentionPolicy: the backup rules' checkRetentionPolicy, and the CRD's pattern",
  validateBootstrapRecoveryDataSource: "the backup rules' recoveryFindings (backup-cluster.ts)",
};

test('every rule is needed: without any one of them, some case of the table disagrees with CNPG', () => {
  const idle: string[] = [];
  for (const rules of OBJECT_RULES.values()) {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      // The library's own rules are tested where they live; rules over other groups (the plugin's ObjectStore) are
      // not CNPG's webhook.
      if (rule.source === 'library' || (rule.group ?? 'postgresql.cnpg.io') !== 'postgresql.cnpg.io') continue;
      rules.splice(i, 1);
      try {
        if (CASES.every(agrees)) idle.push(rule.cite);
      } finally {
        rules.splice(i, 0, rule);
      }
    }
  }
  expect(idle).toEqual([]);
});

test('every validation function of the Cluster webhook is cited by a rule (or listed as not modelled)', () => {
  const cites = [...OBJECT_RULES.values()]
    .flat()
    .map((r) => r.cite)
    .join(' ');
  const missing = WEBHOOK_FUNCTIONS.filter((f) => !new RegExp(`\\b${f}\\b`).test(cites) && !Object.hasOwn(PARTLY, f));
  expect(missing).toEqual([]);
  for (const kind of ['Database', 'Pooler', 'Backup', 'ScheduledBackup']) expect(OBJECT_RULES.has(`postgresql.cnpg.io/${kind}`)).toBe(true);
});
