import { ImageLockResolver } from './image-lock';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { buildKindConfig, CnpgValidationError, type Finding, type KindClusterConfig, type KindConfigProps } from '../core';
import { type CheckedKind, registerChecks } from './checks';
import { CnpgOperator } from './operator';
import { PostgresCluster } from './postgres-cluster';
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
 * {@link synthesize} next to the manifests (it is not a Kubernetes object: `kubectl apply -f dist/` must not
 * see it). Refuses Kubernetes below 1.33 when a cluster in the app mounts extension images (checked when the app
 * synthesizes).
 */
export class KindConfig extends Construct {
  /** The file `synthesize` writes into the output directory (`fileName`, default `kind-config.yaml`). */
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
    registerChecks(this, KindConfig.checks);
  }

  /** The config; throws a `CnpgValidationError` naming this construct on bad props. */
  public toConfig(): KindClusterConfig {
    return this.configFor(this.node.root.node.findAll());
  }

  /** The config as YAML. */
  public toYaml(): string {
    return yaml().stringify(this.toConfig());
  }

  private configFor(all: readonly IConstruct[]): KindClusterConfig {
    const imageVolumes = all.some((c) => c instanceof PostgresCluster && (c.model.spec.postgresql?.extensions?.length ?? 0) > 0);
    const { fileName: _f, ...props } = this.props;
    return buildKindConfig(this.node.path, { ...props, imageVolumes });
  }

  /** How kind configs take part in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks: CheckedKind<KindConfig> = {
    appFindings: (k, all): readonly Finding[] => {
      try {
        k.configFor(all);
        return [];
      } catch (e) {
        if (e instanceof CnpgValidationError) return e.problems;
        throw e;
      }
    },
    // Two kind configs written to one file: the second would overwrite the first.
    claims: (k) => [
      {
        key: `file/${k.fileName}`,
        what: `file (${k.fileName})`,
        field: 'fileName',
        value: k.fileName,
        fix: 'give each KindConfig its own fileName',
      },
    ],
  };
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Where to write the one line per operator manifest that says where it came from (the package, a file, the
   * cache or a download) and its sha256, and the image lock's line; `false` for none. (Warnings are the checks':
   * see {@link CnpgChecks.configure}.)
   * @default - standard error, unless the environment sets CNPG_CONSTRUCTS_QUIET=1
   */
  readonly log?: ((line: string) => void) | false;
}

/**
 * `app.synth()`, which runs every check of the app first (nothing is written when one fails), then writes every
 * {@link KindConfig} into the output directory, and says, in one line per {@link CnpgOperator}, which operator
 * manifest the output holds. Only the kind configs need it: with none, `app.synth()` does the same.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): void {
  app.synth();
  const all = app.node.findAll();
  for (const c of all) if (c instanceof KindConfig) fs.writeFileSync(path.join(app.outdir, c.fileName), c.toYaml());
  const log = options.log ?? (process.env.CNPG_CONSTRUCTS_QUIET === '1' ? false : (line: string) => process.stderr.write(`${line}\n`));
  if (log === false) return;
  for (const c of all) if (c instanceof CnpgOperator && c.manifest) log(c.manifest.describe());
  for (const r of app.resolvers) if (r instanceof ImageLockResolver) log(r.describe());
}
