// The library's own checks that apply to plain YAML (hand-written, or from Helm/Kustomize), beyond what the
// CRD schemas express: what CNPG's webhook or PostgreSQL would refuse later, found from the objects alone.
import { BASE_IMAGE_EXTENSIONS, CATALOG, CNPG_MANAGED_EXTENSIONS } from './extension-catalog';
import { parseExtensionImageTag, parseImageReference, parseOperandImageTag } from './image-ref';
import type { ObjectFinding } from './admission/rule';
import type { KubeObject } from './operator-manifest';

/** A finding about one object of plain YAML (`field` is a path in the object). */
export type SemanticFinding = ObjectFinding;

type ClusterExt = { name: string; image?: { reference?: string } };

/** The SQL extensions of each catalog image, by image name (the last part of its repository). */
let catalogByImage: ReadonlyMap<string, readonly string[]> | undefined;
/** The SQL extensions of the minimal operand image. */
let baseExtensions: ReadonlySet<string> | undefined;

/** Which SQL extensions an extension image provides, when the image is one the catalog knows (by repository). */
function catalogSqlExtensions(reference: string | undefined): readonly string[] | undefined {
  if (!reference) return undefined;
  const repo = parseImageReference(reference)?.repository.split('/').pop();
  if (repo === undefined) return undefined;
  catalogByImage ??= new Map(Object.values(CATALOG).map((e) => [e.imageName, e.sqlExtensions.map((x) => x.name)]));
  return catalogByImage.get(repo);
}

function tagOf(reference: string | undefined): string | undefined {
  return reference ? parseImageReference(reference)?.tag : undefined;
}

/** The semantic findings of a set of objects (CNPG objects of other kinds, and other objects, are skipped). */
export function semanticFindings(objects: readonly KubeObject[]): SemanticFinding[] {
  const out: SemanticFinding[] = [];
  const clusters = new Map<string, KubeObject>();
  for (const o of objects) {
    if (o.kind !== 'Cluster' || !String(o.apiVersion).startsWith('postgresql.cnpg.io/')) continue;
    clusters.set(`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o);
    const spec = (o.spec ?? {}) as { imageName?: string; postgresql?: { extensions?: ClusterExt[] } };
    const exts = Array.isArray(spec.postgresql?.extensions) ? spec.postgresql.extensions : [];
    if (exts.length === 0) continue;
    const operand = parseOperandImageTag(tagOf(spec.imageName));
    if (operand && operand.postgresMajor < 18) {
      out.push({
        code: 'extensions-need-pg18',
        object: o,
        field: '.spec.imageName',
        message: `extension images need PostgreSQL 18 or later (extension_control_path); the image is PostgreSQL ${operand.postgresMajor}`,
        fix: 'use a PostgreSQL 18 operand image',
      });
    }
    exts.forEach((e, i) => {
      const tag = parseExtensionImageTag(tagOf(e?.image?.reference));
      if (!tag || !operand) return;
      if (tag.postgresMajor !== operand.postgresMajor) {
        out.push({
          code: 'image-major-mismatch',
          object: o,
          field: `.spec.postgresql.extensions[${i}].image.reference`,
          message: `is built for PostgreSQL ${tag.postgresMajor}, the cluster runs ${operand.postgresMajor}`,
          fix: `use the "-${operand.postgresMajor}-" tag of the image`,
        });
      }
      if (operand.distro && tag.distro !== operand.distro) {
        out.push({
          code: 'image-distro-mismatch',
          object: o,
          field: `.spec.postgresql.extensions[${i}].image.reference`,
          message: `is built on ${tag.distro}, the operand image on ${operand.distro}: system libraries differ`,
          fix: `use the "-${operand.distro}" tag of the image`,
        });
      }
    });
  }
  for (const o of objects) {
    if (o.kind !== 'Database' || !String(o.apiVersion).startsWith('postgresql.cnpg.io/')) continue;
    const spec = (o.spec ?? {}) as { cluster?: { name?: string }; extensions?: { name?: string; ensure?: string }[] };
    const exts = Array.isArray(spec.extensions) ? spec.extensions : [];
    exts.forEach((e, i) => {
      if (typeof e?.name === 'string' && CNPG_MANAGED_EXTENSIONS.includes(e.name)) {
        out.push({
          code: 'extension-managed-by-cnpg',
          object: o,
          field: `.spec.extensions[${i}].name`,
          message: `${e.name} is managed by CNPG through the cluster's ${e.name}.* parameters; a Database entry fights the operator`,
          fix: `remove it and set a ${e.name}.* parameter on the cluster`,
        });
      }
    });
    const cluster = clusters.get(`${o.metadata?.namespace ?? ''}/${spec.cluster?.name}`);
    if (!cluster) continue;
    const mounted = ((cluster.spec as { postgresql?: { extensions?: ClusterExt[] } }).postgresql?.extensions ?? []).map((x) =>
      catalogSqlExtensions(x?.image?.reference),
    );
    if (mounted.some((m) => m === undefined)) continue; // an image the catalog does not know: cannot tell
    baseExtensions ??= new Set(Object.keys(BASE_IMAGE_EXTENSIONS));
    const base = baseExtensions;
    const provided = (name: string) => base.has(name) || mounted.some((m) => (m as readonly string[]).includes(name));
    exts.forEach((e, i) => {
      if (typeof e?.name === 'string' && e.ensure !== 'absent' && !provided(e.name) && !CNPG_MANAGED_EXTENSIONS.includes(e.name)) {
        out.push({
          code: 'extension-not-provided',
          object: o,
          field: `.spec.extensions[${i}].name`,
          message: `no image mounted on cluster ${spec.cluster?.name} provides "${e.name}", and the minimal operand image does not ship it`,
          fix: 'mount the image that provides it, or check the SQL name (vector, not pgvector)',
        });
      }
    });
  }
  return out;
}
