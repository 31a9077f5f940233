// A cdk8s-cli validation plugin (`validations:` in cdk8s.yaml), so that `cdk8s synth` reports the library's findings
// on the written YAML in cdk8s' own report too (the app's construct validations report them first, with construct
// paths). Framework-free: it only uses what cdk8s-cli passes in (see cdk8s-cli lib/plugins/validation.d.ts,
// `Validation` and `ValidationContext`).
import * as fs from 'node:fs';
import { admissionFindings } from './admission';
import { DEFAULT_OPERATOR_VERSION } from './compat';
import { apiGroup, CNPG_GROUP, crdSource } from './crds';
import { type Finding, isError } from './findings';
import { type KubeObject, OperatorManifest } from './operator-manifest';
import { crdProblems, hasCrdFor, objectId, validateObject } from './validator';
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
   * Path of the release manifest: an error when it does not exist.
   * @default - OperatorManifest.load(operatorVersion): $CNPG_OPERATOR_MANIFEST, the copy the package ships, the cache, or one verified download
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
 * cdk8s validation plugin: every object of the synthesized manifests whose CRD the library holds against it (schema
 * and CEL rules) and CNPG's admission rules (the library's own checks included). One violation per rule, the finding's
 * code and message as its recommendation; warnings are reported without failing the report. In cdk8s.yaml:
 * `validations: [{ package: ./node_modules/cnpg-constructs, version: <installed version>, class: CnpgValidation }]`.
 */
export class CnpgValidation {
  constructor(private readonly properties: CnpgValidationProperties = {}) {}

  /** Validates the manifests of `context` and reports each violation to it (cdk8s-cli calls it after synth). */
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
        if (hasCrdFor(o)) objects.push({ object: o, file });
      }
    }
    const rules = new Map<string, { finding: Finding; resources: { resourceName: string; locations: string[]; manifestPath: string }[] }>();
    const add = (rule: string, finding: Finding, object: KubeObject, file: string) => {
      const r = rules.get(rule) ?? { finding, resources: [] };
      r.resources.push({ resourceName: objectId(object), locations: [finding.field], manifestPath: file });
      rules.set(rule, r);
    };
    for (const { object, file } of objects) {
      const errors = validateObject(object, manifest);
      const group = apiGroup(object.apiVersion);
      const source = group === CNPG_GROUP ? `CNPG ${manifest.version} CRD` : crdSource(group, object.kind, manifest).replace(/^the /, '');
      const findings = crdProblems(errors, manifest, 'make the object match the CRD (check the props and any escape hatch)', object);
      for (let i = 0; i < errors.length; i++) {
        const e = errors[i];
        add(`${source}: ${e.message}${e.rule ? ` [CEL: ${e.rule}]` : ''}`, findings[i], object, file);
      }
    }
    const fileOf = new Map(objects.map((x) => [x.object, x.file]));
    for (const f of admissionFindings(
      objects.map((x) => x.object),
      { operatorVersion: manifest.version },
    ))
      add(`cnpg-constructs: ${f.message}`, f, f.object, fileOf.get(f.object) as string);
    let failed = false;
    for (const [ruleName, { finding, resources }] of rules) {
      failed ||= isError(finding);
      const severity = isError(finding) ? '' : 'warning: ';
      context.report.addViolation({
        ruleName,
        recommendation: `${severity}${finding.code}: ${finding.message}`,
        fix: finding.fix,
        violatingResources: resources,
      });
    }
    context.logger?.log(`checked ${objects.length} object(s) against CNPG ${manifest.version} and the CRDs the library ships`);
    context.report.submit(failed ? 'failure' : 'success', { operatorVersion: manifest.version, objects: String(objects.length) });
  }
}
