import { ImageLockResolver } from './image-lock';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type App, ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import {
  buildKindConfig,
  CnpgValidationError,
  crdProblems,
  DEFAULT_OPERATOR_VERSION,
  type KindClusterConfig,
  type KindConfigProps,
  type KubeObject,
  OperatorManifest,
  objectId,
  validateCnpgObject,
} from '../core';
import { CnpgOperator } from './operator';
import { PostgresCluster } from './postgres-cluster';
import { checkUniqueness, registerClaims } from './uniqueness';
import { yaml } from '../core/lazy';

/** Props of {@link KindConfig}. */
export interface KindConfigConstructProps extends Omit<KindConfigProps, 'imageVolumes'> {
  /**
   * File name in the app's output directory.
   * @default 'kind-config.yaml'
   */
  readonly fileName?: string;
}

/**
 * A kind cluster config (`kind.x-k8s.io/v1alpha4`) for local development: node images pinned by
 * digest, the ImageVolume feature gate on Kubernetes 1.33/1.34, and port mappings. Written by
 * {@link synthesize} next to the manifests. Refuses Kubernetes below 1.33 when a cluster in the app
 * mounts extension images.
 */
export class KindConfig extends Construct {
  public readonly fileName: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: KindConfigConstructProps = {},
  ) {
    super(scope, id);
    this.fileName = props.fileName ?? 'kind-config.yaml';
    // A plain file name in the output directory: no directory, no "..", nothing written outside it.
    if (typeof this.fileName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/.test(this.fileName)) {
      throw new CnpgValidationError(this.node.path, 'KindConfig', [
        {
          code: 'kind-file-name-invalid',
          field: 'fileName',
          message: 'must be a file name ending in .yaml or .yml, without a directory',
          value: this.fileName,
          fix: 'use a name such as "kind-config.yaml"',
        },
      ]);
    }
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** The config; throws a `CnpgValidationError` naming this construct on bad props. */
  public toConfig(): KindClusterConfig {
    const imageVolumes = this.node.root.node
      .findAll()
      .some((c) => c instanceof PostgresCluster && ((c as PostgresCluster).model.spec.postgresql?.extensions?.length ?? 0) > 0);
    const { fileName: _f, ...props } = this.props;
    return buildKindConfig(this.node.path, { ...props, imageVolumes });
  }

  /** The config as YAML. */
  public toYaml(): string {
    return yaml().stringify(this.toConfig());
  }

  private problems(): string[] {
    try {
      this.toConfig();
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  }
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Where to write the one line per operator manifest that says where it came from (file, cache or
   * download) and its sha256; `false` for none.
   * @default - standard error, unless the environment sets CNPG_CONSTRUCTS_QUIET=1
   */
  readonly log?: ((line: string) => void) | false;
  /**
   * Validate every CNPG object against the CRDs of the targeted operator release (OpenAPI schema and CEL
   * rules, offline), so that an object broken through an escape hatch (`addJsonPatch`, a hand-built
   * `ApiObject`) fails here, naming the construct, the field and the rule, and nothing is written.
   * @default true (the CRDs come from the app's CnpgOperator, else OperatorManifest.load())
   */
  readonly validate?: boolean;
}

/**
 * Synthesizes the app and writes every {@link KindConfig} into its output directory. Everything is
 * validated and rendered first: when something is wrong, nothing is written. Says, in one line per
 * {@link CnpgOperator}, which operator manifest the output holds.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): void {
  checkUniqueness(app);
  const all = app.node.findAll();
  const kinds = all.filter((c): c is KindConfig => c instanceof KindConfig);
  const rendered = kinds.map((k) => [k.fileName, k.toYaml()] as const);
  // Every chart is rendered once, here, before anything is written; app.synth() writes these renders
  // instead of rendering each chart again (it would: Chart.toJson resolves the whole chart every call).
  const charts = app.charts;
  const renders = charts.map((chart) => chart.toJson());
  if (options.validate !== false) validateAgainstCrds(all, renders.flat() as KubeObject[]);
  const own = charts.map((chart) => Object.getOwnPropertyDescriptor(chart, 'toJson'));
  charts.forEach((chart, i) => {
    Object.defineProperty(chart, 'toJson', { value: () => renders[i], configurable: true, writable: true });
  });
  try {
    app.synth();
  } finally {
    charts.forEach((chart, i) => {
      const d = own[i];
      if (d) Object.defineProperty(chart, 'toJson', d);
      else delete (chart as { toJson?: unknown }).toJson;
    });
  }
  for (const [file, text] of rendered) fs.writeFileSync(path.join(app.outdir, file), text);
  const log = options.log ?? (process.env.CNPG_CONSTRUCTS_QUIET === '1' ? false : (line: string) => process.stderr.write(`${line}\n`));
  if (log === false) return;
  for (const c of all) if (c instanceof CnpgOperator && c.manifest) log(c.manifest.describe());
  for (const r of app.resolvers) if (r instanceof ImageLockResolver) log(r.describe());
}

// Two kind configs written to one file: the second would overwrite the first.
registerClaims(KindConfig, (k) => [
  {
    key: `file/${k.fileName}`,
    what: `file (${k.fileName})`,
    field: 'fileName',
    value: k.fileName,
    fix: 'give each KindConfig its own fileName',
  },
]);

/** Every CNPG object of the rendered app against its CRD; the first object that fails throws, with all its problems. */
function validateAgainstCrds(all: readonly IConstruct[], objects: readonly KubeObject[]): void {
  const cnpg = objects.filter((o) => typeof o?.apiVersion === 'string' && o.apiVersion.startsWith('postgresql.cnpg.io/'));
  if (cnpg.length === 0) return;
  const operator = all.find((c): c is CnpgOperator => c instanceof CnpgOperator);
  const manifest = operator?.manifest ?? OperatorManifest.load(operator?.version ?? DEFAULT_OPERATOR_VERSION);
  for (const obj of cnpg) {
    const errors = validateCnpgObject(obj, manifest);
    if (errors.length === 0) continue;
    // Only on failure: find the construct that rendered it, for its path.
    const api = all.find(
      (c): c is ApiObject =>
        ApiObject.isApiObject(c) &&
        c.kind === obj.kind &&
        c.name === obj.metadata?.name &&
        c.metadata.namespace === obj.metadata?.namespace,
    );
    throw new CnpgValidationError(
      api?.node.path ?? objectId(obj),
      objectId(obj),
      crdProblems(errors, manifest, 'check the props and any escape hatch (addJsonPatch, a hand-built ApiObject) that changed this object'),
    );
  }
}
