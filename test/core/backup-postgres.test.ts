// PostgreSQL 18 as the oracle of the recovery targets the library refuses beyond CNPG's own checks: a target time CNPG
// passes on unchanged (its PostgreSQL form) but that names no real time, an LSN with a part over 8 hex digits, a
// restore point name of 64 bytes. ALTER SYSTEM runs the recovery_target_* GUC check hooks (xlogrecovery.c) without a
// recovery: what they refuse, a recovery would refuse at start.
import { checkRecoveryTarget, type RecoveryTargetProps } from '../../lib/core/backup/recovery-target';
import { type PgServer, startPostgres } from '../support/pg';

let pg: PgServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.destroy());

async function postgresAccepts(guc: string, value: string): Promise<boolean> {
  try {
    await pg.query(`ALTER SYSTEM SET ${guc} = '${value.replace(/'/g, "''")}'`);
    await pg.query(`ALTER SYSTEM RESET ${guc}`);
    return true;
  } catch {
    return false;
  }
}

const libraryAccepts = (target: RecoveryTargetProps) =>
  checkRecoveryTarget('t', { backupID: '20250501T000000', ...target }, false).filter((f) => f.severity !== 'warning').length === 0;

// [GUC, recoveryTarget field, value]: each value the library and PostgreSQL agree on.
const cases: [string, keyof RecoveryTargetProps, string][] = [
  ['recovery_target_time', 'targetTime', '2025-05-01 10:00:00+00'],
  ['recovery_target_time', 'targetTime', '2025-05-01 10:00:00.123456+02'],
  ['recovery_target_time', 'targetTime', '2024-02-29 10:00:00'],
  ['recovery_target_time', 'targetTime', '2025-05-01 24:00:00'],
  ['recovery_target_time', 'targetTime', '2025-12-31 23:59:60'],
  // What CNPG writes for an RFC 3339 time (machinery ConvertToPostgresFormat).
  ['recovery_target_time', 'targetTime', '2025-05-01 10:00:00.000000+00:00'],
  ['recovery_target_time', 'targetTime', '2025-02-30 10:00:00'],
  ['recovery_target_time', 'targetTime', '2023-02-29 10:00:00'],
  ['recovery_target_time', 'targetTime', '2025-13-01 10:00:00'],
  ['recovery_target_time', 'targetTime', '2025-05-01 25:00:00'],
  ['recovery_target_time', 'targetTime', '2025-05-01 24:00:01'],
  ['recovery_target_time', 'targetTime', '2025-05-01 10:61:00'],
  ['recovery_target_lsn', 'targetLSN', '0/3000060'],
  ['recovery_target_lsn', 'targetLSN', 'FFFFFFFF/FFFFFFFF'],
  ['recovery_target_lsn', 'targetLSN', '100000000/0'],
  ['recovery_target_lsn', 'targetLSN', '0/123456789'],
  ['recovery_target_name', 'targetName', 'x'.repeat(63)],
  ['recovery_target_name', 'targetName', 'x'.repeat(64)],
  ['recovery_target_name', 'targetName', 'é'.repeat(32)],
  ['recovery_target_xid', 'targetXID', '4294967295'],
];

test.each(cases)('%s (%s) = %j: the library refuses it exactly when PostgreSQL does', async (guc, field, value) => {
  const pgSays = await postgresAccepts(guc, value);
  expect({ value, library: libraryAccepts({ [field]: value }) }).toEqual({ value, library: pgSays });
});

test('the cases cover both answers', async () => {
  const answers = await Promise.all(cases.map(([guc, , v]) => postgresAccepts(guc, v)));
  expect(answers.filter(Boolean).length).toBeGreaterThan(5);
  expect(answers.filter((a) => !a).length).toBeGreaterThan(5);
});
