/**
 * cnpg-constructs for cdk8s-plus-30: the endpoints and secrets of clusters, poolers and roles as `kplus.EnvValue`s and
 * `kplus.ISecret`s. A separate entry point (`cnpg-constructs/cdk8s-plus`), so that `cnpg-constructs/cdk8s` does not
 * need cdk8s-plus-30; loads cdk8s, constructs and cdk8s-plus-30, never @pulumi/*.
 *
 * @module cnpg-constructs/cdk8s-plus
 */
import { assertPeersInstalled } from '../core/peers';

assertPeersInstalled('cnpg-constructs/cdk8s-plus');

import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import { CnpgValidationError, type ConnectionEnvOptions, type Credentials, connectionEnv, type Endpoint, secretKeyRef } from '../core';

/**
 * The Secret of `credentials` as a `kplus.ISecret` (imported by name, once per chart), for volumes (a client
 * certificate) or `EnvValue.fromSecretValue`.
 */
export function secretOf(scope: Construct, credentials: Credentials): kplus.ISecret {
  const chart = Chart.of(scope);
  const id = `cnpg-secret-${credentials.secretName}`;
  return (chart.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(chart, id, credentials.secretName);
}

/**
 * One key of `credentials`' Secret as a `kplus.EnvValue` (`jdbc-uri` for a JVM service, `uri`, `pgpass`); throws for a
 * key the Secret does not have (a basic-auth secret has only `username` and `password`).
 */
export function envValueOf<K extends string>(scope: Construct, credentials: Credentials<K>, key: K): kplus.EnvValue {
  return kplus.EnvValue.fromSecretValue({ secret: secretOf(scope, credentials), key: secretKeyRef(credentials, key).key });
}

/**
 * The environment of a container that connects to `endpoint` (a cluster's `endpoints.readWrite`, a pooler's
 * `endpoint`) as the user of `credentials`, for `envVariables` of a kplus container: `PGHOST`, `PGPORT` and
 * `PGDATABASE` as values, `PGUSER` and `PGPASSWORD` from the user's Secret. The Secret must be in the namespace of
 * the chart the workload is in: Pods read Secrets of their own namespace only.
 */
export function connectionEnvValues(
  scope: Construct,
  endpoint: Endpoint,
  credentials: Credentials,
  options?: ConnectionEnvOptions,
): Record<string, kplus.EnvValue> {
  const here = Chart.of(scope).namespace;
  if (credentials.namespace !== undefined && here !== undefined && here !== credentials.namespace)
    throw new CnpgValidationError(scope.node.path, 'connection', [
      {
        code: 'secret-in-other-namespace',
        field: 'credentials',
        message: `the ${credentials.secretName} secret is in namespace ${credentials.namespace}, this workload's chart in ${here}: a Pod can read only Secrets of its own namespace`,
        value: credentials.secretName,
        fix: `deploy the workload in namespace ${credentials.namespace}, or copy the secret into ${here} (e.g. with a secret replicator) and use roleCredentials`,
      },
    ]);
  const out: Record<string, kplus.EnvValue> = {};
  for (const v of connectionEnv(endpoint, credentials, options)) {
    const ref = v.valueFrom?.secretKeyRef;
    out[v.name] = ref
      ? kplus.EnvValue.fromSecretValue({ secret: secretOf(scope, credentials), key: ref.key })
      : kplus.EnvValue.fromValue(String(v.value));
  }
  return out;
}
