// Steps: the user's PostgreSQL parameters as CNPG's webhook checks them, and the parameters the images need.
import type { ExtensionImage } from '../extension-image';
import type { Problem } from '../errors';
import {
  BLOCKED_PARAMETERS,
  cnpgAdmissionValue,
  FIXED_PARAMETERS,
  PARAMETER_FIX,
  PARAMETER_NAME_PATTERN,
  SKIP_WAL_ARCHIVING_ANNOTATION,
  WAL_LEVELS,
} from '../parameters';
import { hasControlCharacters } from '../sql';
import type { OperandInfo } from './operand';
import type { PostgresClusterProps } from './props';

/** Step: the user's parameters as CNPG's webhook checks them, and wal_level. */
export function checkUserParameters(props: PostgresClusterProps, instances: number): Problem[] {
  const problems: Problem[] = [];
  // Parameters.
  const userParams = props.postgresql?.parameters ?? {};
  const walArchivingDisabled = props.annotations?.[SKIP_WAL_ARCHIVING_ANNOTATION] === 'enabled';
  for (const [k, v] of Object.entries(userParams)) {
    const f = `postgresql.parameters.${k}`;
    if (!PARAMETER_NAME_PATTERN.test(k)) {
      problems.push({
        code: 'parameter-name-invalid',
        field: f,
        message: 'is not a valid parameter name',
        value: k,
        fix: 'use a name such as "work_mem" or "pg_stat_statements.max"',
      });
    } else if (BLOCKED_PARAMETERS.includes(k) || FIXED_PARAMETERS.includes(k)) {
      // CNPG's webhook accepts a fixed parameter only with the value its own configuration holds (parameters.ts).
      const accepted = cnpgAdmissionValue(k, walArchivingDisabled);
      if (v !== accepted) {
        const only =
          accepted === undefined ? 'rejected at any value' : `accepted only as ${JSON.stringify(accepted)}, the value CNPG sets itself`;
        const what = BLOCKED_PARAMETERS.includes(k) ? 'is blocked by CNPG (the operator manages it)' : 'is fixed by CNPG';
        problems.push({
          code: 'parameter-fixed-by-cnpg',
          field: f,
          message: `${what}: ${only}`,
          value: v,
          fix: PARAMETER_FIX[k] ?? 'remove it; CNPG sets it',
        });
      }
    }
    if (typeof v !== 'string') {
      problems.push({
        code: 'parameter-not-string',
        field: f,
        message: 'must be a string (CNPG parameters are strings)',
        value: v,
        fix: `write it as "${String(v)}"`,
      });
    } else if (hasControlCharacters(v)) {
      problems.push({
        code: 'parameter-control-character',
        field: f,
        message: 'contains a newline or another control character, which postgresql.conf cannot hold',
        value: v,
        fix: 'write the value on one line without control characters',
      });
    }
  }
  // wal_level: the webhook's rules (validateConfiguration, cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go).
  const walLevel = userParams.wal_level ?? 'logical';
  if (!WAL_LEVELS.includes(walLevel)) {
    problems.push({
      code: 'wal-level-invalid',
      field: 'postgresql.parameters.wal_level',
      message: 'is not a wal_level CNPG knows',
      value: walLevel,
      fix: 'use "logical" (CNPG\'s default), "replica" or "minimal"',
    });
  } else if (walLevel === 'minimal') {
    if (instances > 1 || !walArchivingDisabled) {
      problems.push({
        code: 'wal-level-minimal-refused',
        field: 'postgresql.parameters.wal_level',
        message: `must be "logical" or "replica" when ${instances > 1 ? 'instances is greater than 1' : 'WAL archiving is on (archive_mode is on unless the cnpg.io/skipWalArchiving annotation is "enabled")'}`,
        value: walLevel,
        fix: 'use "replica" or "logical"',
      });
    } else if (userParams.max_wal_senders !== '0') {
      problems.push({
        code: 'wal-level-minimal-senders',
        field: 'postgresql.parameters.max_wal_senders',
        message: 'must be "0" with wal_level "minimal"',
        value: userParams.max_wal_senders,
        fix: 'set max_wal_senders: "0", or use wal_level "replica"',
      });
    }
  }
  return problems;
}

/** Step: the parameters the images need, merged with the user's (a conflict is a problem), and output plugins. */
export function mergeImageParameters(
  props: PostgresClusterProps,
  images: readonly ExtensionImage[],
  operand: OperandInfo,
): { parameters: Record<string, string>; problems: Problem[] } {
  const problems: Problem[] = [];
  const userParams = props.postgresql?.parameters ?? {};
  const parameters: Record<string, string> = { ...userParams };
  images.forEach((img, i) => {
    for (const [k, v] of Object.entries(img.parameters)) {
      if (k in userParams && userParams[k] !== v) {
        problems.push({
          code: 'parameter-conflicts-with-image',
          field: `postgresql.parameters.${k}`,
          message: `conflicts with extensions[${i}] (${img.name}), which needs ${k} = "${v}"`,
          value: userParams[k],
          fix: `set it to "${v}" or remove it`,
        });
      }
      parameters[k] = v;
    }
    const plugin = img.catalogEntry?.outputPlugin;
    if (plugin !== undefined) {
      let allowList = img.outputPluginLibraries;
      if (allowList === undefined && operand.major !== undefined && operand.major > 18) allowList = true;
      if (allowList === undefined && operand.major === 18 && operand.minor !== undefined) allowList = operand.minor >= 6;
      if (allowList === undefined && !('output_plugin_libraries' in userParams)) {
        problems.push({
          code: 'output-plugin-minor-unknown',
          field: `extensions[${i}]`,
          message: `${plugin} needs output_plugin_libraries from PostgreSQL 18.6 on, and that parameter is fatal before 18.6; the image tag does not say the minor`,
          value: props.imageName ?? props.imageCatalogRef?.name,
          fix: `use an imageName with a minor version (e.g. "...postgresql:18.6-minimal-trixie") or pass { outputPluginLibraries: true | false } to ExtensionImage.${img.catalogEntry?.factory ?? 'fromCatalog'}`,
        });
      } else if (allowList) {
        parameters.output_plugin_libraries = parameters.output_plugin_libraries
          ? `${parameters.output_plugin_libraries}${parameters.output_plugin_libraries.split(/,\s*/).includes(plugin) ? '' : `, ${plugin}`}`
          : `pgoutput, test_decoding, ${plugin}`;
      }
    }
  });

  return { parameters, problems };
}
