// CNPG's webhook rules over Database: cloudnative-pg v1.30.0 internal/webhook/v1/database_webhook.go. Pooler's are the
// serving rules' (serving.ts), Backup's and ScheduledBackup's the backup rules' (backup.ts).
import type { KubeObject } from '../operator-manifest';
import { list, rec, str } from './cluster-view';
import { registerObjectRules } from './registry';
import { Findings } from './rule';

/** `validateNameOptionsUsages` and the duplicate checks of `validateExtensions` / `validateSchemas`. */
function duplicates(out: Findings, items: readonly unknown[], field: string, seen = new Set<string>()): void {
  items.forEach((raw, i) => {
    const name = str(rec(raw)?.name);
    if (seen.has(name)) out.error('database-name-duplicate', `${field}[${i}].name`, `repeats "${name}"`, name, 'list each name once');
    seen.add(name);
  });
}

function checkDatabase(object: KubeObject): Findings {
  const out = new Findings();
  const spec = rec(object.spec) ?? {};
  duplicates(out, list(spec.extensions), '.spec.extensions');
  duplicates(out, list(spec.schemas), '.spec.schemas');
  const fdwNames = new Set<string>();
  for (const [key, field] of [
    ['fdws', '.spec.fdws'],
    ['servers', '.spec.servers'],
  ] as const) {
    const seen = new Set<string>();
    list(spec[key]).forEach((raw, i) => {
      const item = rec(raw) ?? {};
      if (key === 'servers' && item.ensure !== 'absent' && !fdwNames.has(str(item.fdw)))
        out.error(
          'database-server-fdw-unknown',
          `${field}[${i}].fdw`,
          'names a foreign data wrapper that spec.fdws does not define',
          item.fdw,
          'add the wrapper to spec.fdws',
        );
      const name = str(item.name);
      if (seen.has(name)) out.error('database-name-duplicate', `${field}[${i}].name`, `repeats "${name}"`, name, 'list each name once');
      seen.add(name);
      duplicates(out, list(item.options), `${field}[${i}].options`);
      duplicates(out, list(item.usage), `${field}[${i}].usage`);
    });
    if (key === 'fdws') for (const f of list(spec.fdws)) fdwNames.add(str(rec(f)?.name));
  }
  return out;
}

registerObjectRules({
  kinds: ['Database'],
  cite: 'database_webhook.go validateExtensions, validateSchemas, validateFDWs, validateForeignServers',
  check: (o) => checkDatabase(o).list,
});
