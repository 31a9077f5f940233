// The Prometheus Operator CRDs of ../shared/prometheus-operator (v0.93.0), and validation of PodMonitor and
// PrometheusRule objects against them with the library's own schema + CEL walk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { type KubeObject, validateAgainstSchema } from '../../lib/core';

const dir = path.resolve(__dirname, '..', '..', '..', 'shared', 'prometheus-operator');
const FILES: Record<string, string> = {
  PodMonitor: 'monitoring.coreos.com_podmonitors.yaml',
  PrometheusRule: 'monitoring.coreos.com_prometheusrules.yaml',
};
const schemas = new Map<string, Parameters<typeof validateAgainstSchema>[1]>();

function schemaOf(kind: string): Parameters<typeof validateAgainstSchema>[1] {
  let s = schemas.get(kind);
  if (!s) {
    const crd = parse(fs.readFileSync(path.join(dir, FILES[kind]), 'utf8'));
    s = crd.spec.versions.find((v: { name: string }) => v.name === 'v1').schema.openAPIV3Schema;
    schemas.set(kind, s as never);
  }
  return s as never;
}

/** Schema errors of one PodMonitor or PrometheusRule, as `path: message` lines. */
export function prometheusErrors(o: KubeObject): string[] {
  if (o.apiVersion !== 'monitoring.coreos.com/v1' || !FILES[o.kind]) return [`${o.kind}: not a Prometheus Operator kind of ../shared`];
  return validateAgainstSchema({ ...o, metadata: {} }, schemaOf(o.kind)).map(
    (e) => `${o.kind}/${o.metadata?.name} ${e.path}: ${e.message}`,
  );
}

/** Throws with every schema error of every Prometheus Operator object among `objects`; returns how many were checked. */
export function expectValidPrometheusObjects(objects: readonly KubeObject[]): number {
  const mine = objects.filter((o) => o?.apiVersion === 'monitoring.coreos.com/v1');
  const errors = mine.flatMap(prometheusErrors);
  if (errors.length > 0) throw new Error(`objects rejected by the Prometheus Operator CRDs:\n${errors.join('\n')}`);
  return mine.length;
}
