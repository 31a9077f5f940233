// A cdk8s-cli validation plugin (`validations:` in cdk8s.yaml), so that `cdk8s synth` reports CNPG CRD findings
// in cdk8s' own report. Framework-free: it only uses what cdk8s-cli passes in (see cdk8s-cli
// lib/plugins/validation.d.ts, `Validation` and `ValidationContext`).
import * as fs from 'node:fs';
import { DEFAULT_OPERATOR_VERSION } from './compat';
import { type KubeObject, OperatorManifest } from './operator-manifest';
import { isCnpgObject, objectId, validateCnpgObject } from './validator';
import { semanticFindings } from './yaml-checks';
import { yaml } from './lazy';

/** The part of cdk8s-cli's ValidationContext the plugin uses. */
export interface Cdk8sValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(v: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
  readonly logger?: { log(message: string): void };
}

/** Properties of the plugin in cdk8s.yaml. */
export interface CnpgValidationProperties {
  /**
   * CNPG release whose CRDs to validate against.
   * @default '1.30.0'
   */
  readonly operatorVersion?: string;
  /**
   * Path of the release manifest (air-gapped use): an error when it does not exist.
   * @default - OperatorManifest.load(operatorVersion): $CNPG_OPERATOR_MANIFEST, the cache, or one verified download
   */
  readonly manifest?: string;
  /**
   * Path of the release manifest to use when that file exists, else the default source (for a repository whose
   * checkouts have a copy beside them and whose other users download it once).
   * @default - none
   */
  readonly manifestIfPresent?: string;
}

/**
 * cdk8s validation plugin: every CNPG object of the synthesized manifests against the CRDs (schema and CEL
 * rules) and the library's own checks. In cdk8s.yaml:
 * `validations: [{ package: ./node_modules/cnpg-constructs, version: <installed version>, class: CnpgValidation }]`.
 */
export class CnpgValidation {
  constructor(private readonly properties: CnpgValidationProperties = {}) {}

  public async validate(context: Cdk8sValidationContext): Promise<void> {
    const p = this.properties;
    const file = p.manifest ?? (p.manifestIfPresent && fs.existsSync(p.manifestIfPresent) ? p.manifestIfPresent : undefined);
    const manifest = file
      ? OperatorManifest.fromFile(file, { version: p.operatorVersion })
      : OperatorManifest.load(p.operatorVersion ?? DEFAULT_OPERATOR_VERSION);
    const objects: { object: KubeObject; file: string }[] = [];
    for (const file of context.manifests) {
      for (const doc of yaml().parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const o = doc.toJS();
        if (isCnpgObject(o)) objects.push({ object: o, file });
      }
    }
    const rules = new Map<string, { fix: string; resources: { resourceName: string; locations: string[]; manifestPath: string }[] }>();
    const add = (rule: string, fix: string, object: KubeObject, file: string, location: string) => {
      const r = rules.get(rule) ?? { fix, resources: [] };
      r.resources.push({ resourceName: objectId(object), locations: [location], manifestPath: file });
      rules.set(rule, r);
    };
    for (const { object, file } of objects) {
      for (const e of validateCnpgObject(object, manifest))
        add(
          `CNPG ${manifest.version} CRD: ${e.message}${e.rule ? ` [CEL: ${e.rule}]` : ''}`,
          'make the object match the CRD (check the props and any escape hatch)',
          object,
          file,
          e.path,
        );
    }
    const fileOf = new Map(objects.map((x) => [x.object, x.file]));
    for (const f of semanticFindings(objects.map((x) => x.object)))
      add(`cnpg-constructs: ${f.message}`, f.fix, f.object, fileOf.get(f.object) as string, f.field);
    for (const [ruleName, r] of rules)
      context.report.addViolation({ ruleName, recommendation: ruleName, fix: r.fix, violatingResources: r.resources });
    context.logger?.log(`checked ${objects.length} CNPG object(s) against CNPG ${manifest.version}`);
    context.report.submit(rules.size === 0 ? 'success' : 'failure', { operatorVersion: manifest.version, objects: String(objects.length) });
  }
}
