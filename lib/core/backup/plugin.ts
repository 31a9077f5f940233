// Installing the Barman Cloud plugin where the CNPG operator runs (plugin-barman-cloud v0.14.0 docs, installation.mdx:
// "must be installed in the same namespace as the CloudNativePG operator", CNPG 1.26+, cert-manager). The objects
// come from a release manifest the user provides (a file) or downloads with a sha256 the user supplies: the library
// ships no hash of the release asset, which nobody here could verify.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { throwIfProblems } from '../errors';
import { checkKnownKeys, keysOf } from '../keys';
import { yaml } from '../lazy';
import { checkDnsLabel } from '../names';
import { CLUSTER_SCOPED_KINDS, DEFAULT_OPERATOR_NAMESPACE } from '../operator';
import { SHA256_HEX, sha256 } from '../digest';
import { cacheDirectory, httpsGetSync, type KubeObject, OperatorManifestError } from '../operator-manifest';
import { checkRuntimeTypes } from '../runtime-types';
import { type SchemaError, validateAgainstSchema } from '../validator';

/** The release asset of a plugin version (what the plugin's docs tell users to apply). */
export function barmanCloudReleaseUrl(version: string): string {
  return `https://github.com/cloudnative-pg/plugin-barman-cloud/releases/download/v${version}/manifest.yaml`;
}

/** Options of {@link BarmanCloudManifest.download}. */
export interface BarmanCloudDownloadOptions {
  /** sha256 of the release asset, from a source you trust (the release page, your mirror's records). */
  readonly sha256: string;
  /**
   * Where to download from (a mirror); the hash is checked all the same.
   * @default - the release asset on GitHub
   */
  readonly url?: string;
  /**
   * Where verified downloads are kept.
   * @default - `<cacheDirectory()>/barman-cloud`
   */
  readonly cacheDir?: string;
  /**
   * Download time limit in milliseconds.
   * @default 60000
   */
  readonly timeoutMs?: number;
}

/** The Barman Cloud plugin's release manifest, parsed: its CRD, RBAC, Service, Deployment and cert-manager objects. */
export class BarmanCloudManifest {
  /** The manifest from a file; with `sha256`, the file must have it. */
  public static fromFile(file: string, options: { readonly sha256?: string } = {}): BarmanCloudManifest {
    let text: Buffer;
    try {
      text = fs.readFileSync(file);
    } catch (e) {
      throw new OperatorManifestError(`cannot read the Barman Cloud plugin manifest ${file}: ${(e as Error).message}`);
    }
    const hash = sha256(text);
    if (options.sha256 !== undefined && options.sha256 !== hash) {
      throw new OperatorManifestError(
        `the Barman Cloud plugin manifest ${file} has sha256 ${hash}, not the ${options.sha256} given: it was modified or is another release. Fix: use the unmodified release asset, or the sha256 of this file if you trust it`,
      );
    }
    return new BarmanCloudManifest(BarmanCloudManifest.parse(file, text.toString('utf8')), hash, file, 'file');
  }

  /**
   * Release `version` from the cache or, once, over HTTPS; either way it must have `options.sha256` (a mismatch or a
   * failed download throws, and nothing is cached).
   */
  public static download(version: string, options: BarmanCloudDownloadOptions): BarmanCloudManifest {
    if (typeof options?.sha256 !== 'string' || !SHA256_HEX.test(options.sha256)) {
      throw new OperatorManifestError(
        `downloading the Barman Cloud plugin ${version} manifest needs its sha256 (64 lowercase hex digits; got ${JSON.stringify(options?.sha256)}): the library ships none. Fix: pass { sha256 } from a source you trust, or use BarmanCloudManifest.fromFile`,
      );
    }
    const dir = options.cacheDir ?? path.join(cacheDirectory(), 'barman-cloud');
    const cached = path.join(dir, `manifest-${version}-${options.sha256.slice(0, 12)}.yaml`);
    if (fs.existsSync(cached) && sha256(fs.readFileSync(cached)) === options.sha256) {
      return BarmanCloudManifest.fromFile(cached, { sha256: options.sha256 }).from('cache');
    }
    const url = options.url ?? barmanCloudReleaseUrl(version);
    if (!url.startsWith('https://'))
      throw new OperatorManifestError(`refusing to download the Barman Cloud plugin manifest over a non-HTTPS URL: ${url}`);
    let body: Buffer;
    try {
      body = httpsGetSync(url, options.timeoutMs ?? 60_000);
    } catch (e) {
      throw new OperatorManifestError(
        `the Barman Cloud plugin ${version} manifest could not be downloaded from ${url} (${(e as Error).message}). Fix: allow the download once, or use BarmanCloudManifest.fromFile with a copy`,
      );
    }
    const got = sha256(body);
    if (got !== options.sha256) {
      throw new OperatorManifestError(
        `the Barman Cloud plugin ${version} manifest downloaded from ${url} has sha256 ${got}, not ${options.sha256}; it was not used or cached. Fix: check the hash's source, the mirror or the proxy`,
      );
    }
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, cached);
    return BarmanCloudManifest.fromFile(cached, { sha256: got }).from('download', url);
  }

  private static parse(file: string, text: string): KubeObject[] {
    const objects: KubeObject[] = [];
    for (const d of yaml().parseAllDocuments(text)) {
      if (d.errors.length > 0) throw new OperatorManifestError(`${file} is not valid YAML: ${d.errors[0].message}`);
      const o = d.toJS({ maxAliasCount: -1 });
      if (o && typeof o === 'object') objects.push(o as KubeObject);
    }
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition' && o.metadata?.name === 'objectstores.barmancloud.cnpg.io');
    if (!crd || !objects.some((o) => o.kind === 'Deployment')) {
      throw new OperatorManifestError(`${file} holds no ObjectStore CRD and Deployment: it is not a Barman Cloud plugin release manifest`);
    }
    return objects;
  }

  private constructor(
    /** The manifest's objects, in file order. */
    public readonly objects: readonly KubeObject[],
    /** sha256 of the file. */
    public readonly sha256: string,
    /** Where it was read from (for a download, the cached copy). */
    public readonly source: string,
    /** A file the user named, the cache, or a download. */
    public readonly origin: 'file' | 'cache' | 'download',
    /** The URL, when it was downloaded. */
    public readonly url?: string,
  ) {}

  private from(origin: 'cache' | 'download', url?: string): BarmanCloudManifest {
    return new BarmanCloudManifest(this.objects, this.sha256, this.source, origin, url);
  }

  /** The plugin version, from the Deployment's image tag (`...:v0.14.0`), when the tag says it. */
  public get version(): string | undefined {
    const dep = this.objects.find((o) => o.kind === 'Deployment');
    const image = (dep?.spec as { template?: { spec?: { containers?: { image?: string }[] } } })?.template?.spec?.containers?.[0]?.image;
    return image ? /:v?(\d+\.\d+\.\d+)(?:@.*)?$/.exec(image)?.[1] : undefined;
  }

  /** The `ObjectStore` CRD of this release (its schema and CEL rules validate the stores of this app). */
  public objectStoreCrd(): KubeObject {
    return this.objects.find((o) => o.metadata?.name === 'objectstores.barmancloud.cnpg.io') as KubeObject;
  }

  /**
   * The schema and CEL errors of an `ObjectStore` object against this release's CRD (as the API server applies it),
   * with fields as paths in the object.
   */
  public validateObjectStore(object: KubeObject): SchemaError[] {
    const crd = this.objectStoreCrd().spec as { versions: { name: string; served: boolean; schema: { openAPIV3Schema: unknown } }[] };
    const version = String(object.apiVersion).split('/')[1];
    const v = crd.versions.find((x) => x.name === version && x.served);
    if (!v) return [{ path: '.apiVersion', message: `version ${version} is not served by the ObjectStore CRD` }];
    const { metadata: _m, ...rest } = object;
    return validateAgainstSchema({ ...rest, metadata: {} }, v.schema.openAPIV3Schema as Parameters<typeof validateAgainstSchema>[1]);
  }

  /** One line for logs: which release, from where, and its sha256. */
  public describe(): string {
    const where = this.origin === 'download' ? `downloaded from ${this.url}, cached as ${this.source}` : `${this.origin} ${this.source}`;
    return `Barman Cloud plugin ${this.version ?? '(version not in the image tag)'} manifest: ${where} (sha256 ${this.sha256})`;
  }
}

/** Props of the Barman Cloud plugin's installation, shared by the cdk8s construct and the Pulumi component. */
export interface BarmanCloudPluginProps {
  /**
   * `manifest`: the objects of the release manifest; `none`: the plugin is installed another way (its Helm chart),
   * and only its presence is recorded.
   * @default 'manifest'
   */
  readonly install?: 'manifest' | 'none';
  /**
   * The release manifest, `BarmanCloudManifest.fromFile(path)` or `BarmanCloudManifest.download(version, { sha256 })`.
   * Required with `install: 'manifest'`.
   * @default - none
   */
  readonly manifest?: BarmanCloudManifest;
  /**
   * The plugin version you expect the manifest to be (checked when the manifest's image tag says it).
   * @default - the manifest's
   */
  readonly version?: string;
  /**
   * The namespace of the CNPG operator, where the plugin must run.
   * @default - the namespace of the CnpgOperator of the same app or program, else 'cnpg-system'
   */
  readonly namespace?: string;
}

/** The plugin's objects in apply order: the CRD first, then the rest (after CNPG's, and needing cert-manager). */
export interface BarmanCloudPluginObjects {
  readonly version?: string;
  readonly namespace: string;
  readonly crds: KubeObject[];
  readonly objects: KubeObject[];
  readonly manifest?: BarmanCloudManifest;
}

const KEYS = keysOf<BarmanCloudPluginProps>()({ install: true, manifest: true, version: true, namespace: true });

/** Checks the plugin props and lays out its objects in `namespace` (throws a `CnpgValidationError` naming `where`). */
export function buildBarmanCloudPluginObjects(
  where: string,
  props: BarmanCloudPluginProps,
  frontEndKeys: readonly string[] = [],
): BarmanCloudPluginObjects {
  const problems = [
    ...checkRuntimeTypes('', props, { install: 'string', version: 'string', namespace: 'string' }),
    ...checkKnownKeys('', props, frontEndKeys.length ? [...KEYS, ...frontEndKeys] : KEYS),
  ];
  if (props.manifest !== undefined && !(props.manifest instanceof BarmanCloudManifest)) {
    problems.push({
      code: 'wrong-type',
      field: 'manifest',
      message: 'must be a BarmanCloudManifest',
      value: typeof props.manifest,
      fix: "use BarmanCloudManifest.fromFile('manifest.yaml') or BarmanCloudManifest.download(version, { sha256 })",
    });
  }
  const install = props.install ?? 'manifest';
  if (install !== 'manifest' && install !== 'none') {
    problems.push({
      code: 'barman-cloud-install-invalid',
      field: 'install',
      message: 'must be "manifest" or "none"',
      value: install,
      fix: 'use "manifest" (with manifest) or "none" (installed by Helm)',
    });
  }
  if (install === 'manifest' && props.manifest === undefined) {
    problems.push({
      code: 'barman-cloud-manifest-required',
      field: 'manifest',
      message: 'is required to install the plugin: the library ships no copy and no hash of its release manifest',
      value: undefined,
      fix: "pass BarmanCloudManifest.fromFile('manifest.yaml') or BarmanCloudManifest.download('0.14.0', { sha256 }), or install: 'none' when Helm installs it",
    });
  }
  const namespace = props.namespace ?? DEFAULT_OPERATOR_NAMESPACE;
  if (props.namespace !== undefined) problems.push(...checkDnsLabel('namespace', props.namespace, 'the operator namespace'));
  const found = props.manifest?.version;
  if (props.version !== undefined && found !== undefined && found !== props.version) {
    problems.push({
      code: 'barman-cloud-version-contradicts-manifest',
      field: 'version',
      message: `contradicts the manifest, whose image is v${found}`,
      value: props.version,
      fix: 'remove version or pass the manifest of that release',
    });
  }
  throwIfProblems(where, 'BarmanCloudPlugin', problems);
  if (install === 'none' || !props.manifest) return { version: props.version, namespace, crds: [], objects: [] };
  const all = props.manifest.objects.map((o) => structuredClone(o));
  for (const o of all) {
    if (!CLUSTER_SCOPED_KINDS.has(o.kind) && o.metadata.namespace) o.metadata.namespace = namespace;
    if (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') {
      for (const s of (o.subjects as { kind: string; namespace?: string }[]) ?? [])
        if (s.kind === 'ServiceAccount') s.namespace = namespace;
    }
  }
  return {
    version: found ?? props.version,
    namespace,
    crds: all.filter((o) => o.kind === 'CustomResourceDefinition'),
    objects: all.filter((o) => o.kind !== 'CustomResourceDefinition'),
    manifest: props.manifest,
  };
}
