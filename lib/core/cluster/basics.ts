// Step: name, namespace, operand image, instances, storage, resources and pull secrets.
import type { Problem } from '../errors';
import { checkDnsLabel, checkDnsSubdomain } from '../names';
import { checkResources } from '../resources';
import { checkClusterName } from './name';
import { type OperandInfo, operandInfoOf } from './operand';
import type { PostgresClusterProps } from './props';
import { checkStorage } from './storage';

/** Step: name, namespace, operand image, instances, storage, resources and pull secrets. */
export function checkBasics(
  props: PostgresClusterProps,
  defaultName: string,
): {
  name: string;
  instances: number;
  operand: OperandInfo;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const name = props.name ?? defaultName;
  problems.push(...checkClusterName(props.name === undefined ? 'name (defaulted from the id)' : 'name', name, 'the cluster name'));
  if (props.namespace !== undefined) problems.push(...checkDnsLabel('namespace', props.namespace, 'the namespace'));
  const operand = operandInfoOf(props);
  problems.push(...operand.problems);
  const instances = props.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 1) {
    problems.push({
      code: 'instances-invalid',
      field: 'instances',
      message: 'must be a whole number of at least 1',
      value: props.instances,
      fix: 'use a whole number of at least 1: 1 for a single instance, 3 for a primary with two replicas',
    });
  }
  problems.push(...checkStorage('storage', props.storage, true));
  problems.push(...checkStorage('walStorage', props.walStorage, false));
  problems.push(...checkResources('resources', props.resources));

  if (props.imagePullSecrets) {
    props.imagePullSecrets.forEach((s, i) => {
      problems.push(...checkDnsSubdomain(`imagePullSecrets[${i}]`, s, 'a Secret name'));
    });
  }

  return { name, instances, operand, problems };
}
