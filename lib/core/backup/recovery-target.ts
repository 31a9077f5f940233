// Recovery targets as CNPG's webhook checks them (cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go,
// validateRecoveryTarget and validateTargetExclusiveness), plus what PostgreSQL 18 then refuses when the recovery
// starts (the recovery_target_* GUC check hooks, src/backend/access/transam/xlogrecovery.c): the library refuses
// both before anything is applied. One function for props and for objects: the props use CNPG's field names.
import type { Finding } from '../findings';
import { postgresAcceptsFields, parseTargetTime } from './target-time';

/** A point-in-time recovery target (CNPG's `RecoveryTarget`, same field names). At most one target field. */
export interface RecoveryTargetProps {
  /**
   * The backup to start from. Needed with `targetName`, `targetXID` and `targetImmediate` when recovering from an
   * object store (CNPG picks the backup by time or LSN otherwise).
   * @default - the latest backup before the target
   */
  readonly backupID?: string;
  /**
   * The timeline: `latest` or a positive number.
   * @default - PostgreSQL's (latest)
   */
  readonly targetTLI?: string;
  /**
   * A transaction id (a decimal 32-bit number).
   * @default - none
   */
  readonly targetXID?: string;
  /**
   * A restore point created with `pg_create_restore_point` (under 64 bytes).
   * @default - none
   */
  readonly targetName?: string;
  /**
   * A WAL position, `XXXXXXXX/XXXXXXXX`.
   * @default - none
   */
  readonly targetLSN?: string;
  /**
   * A time: RFC 3339 (`2025-05-01T10:00:00Z`, `2025-05-01T12:00:00+02:00`) or PostgreSQL's form
   * (`2025-05-01 10:00:00+00`). Without a time zone, CNPG reads it as UTC.
   * @default - none
   */
  readonly targetTime?: string;
  /**
   * End the recovery as soon as the backup is consistent.
   * @default - not emitted
   */
  readonly targetImmediate?: boolean;
  /**
   * Stop just before the target instead of just after it (`recovery_target_inclusive = false`).
   * @default false (as CNPG)
   */
  readonly exclusive?: boolean;
}

const TARGETS = ['targetImmediate', 'targetLSN', 'targetName', 'targetXID', 'targetTime'] as const;

const at = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);
const set = (v: unknown) => v !== undefined && v !== '' && v !== null;

/** PostgreSQL's pg_lsn_in: two hexadecimal numbers of 1 to 8 digits each (src/backend/utils/adt/pg_lsn.c). */
const PG_LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
/** CNPG's LSN.Parse (cloudnative-pg/machinery v0.5.0 pkg/types/lsn.go): two ParseUint(_, 16, 64) numbers. */
const CNPG_LSN = /^[0-9A-Fa-f]{1,16}\/[0-9A-Fa-f]{1,16}$/;

/**
 * Findings of a recovery target at `prefix` (`recovery.recoveryTarget` in props, `.spec.bootstrap.recovery.recoveryTarget`
 * in an object). `fromSnapshots`: the recovery uses volume snapshots (no backup id needed, none allowed).
 */
export function checkRecoveryTarget(prefix: string, target: RecoveryTargetProps | undefined, fromSnapshots: boolean): Finding[] {
  if (target === undefined || target === null || typeof target !== 'object') return [];
  const out: Finding[] = [];
  const chosen = TARGETS.filter((k) => (k === 'targetImmediate' ? target[k] !== undefined && target[k] !== null : set(target[k])));
  if (chosen.length > 1) {
    out.push({
      code: 'recovery-target-not-exclusive',
      field: prefix,
      message: `sets ${chosen.join(' and ')}: recovery target options are mutually exclusive (CNPG refuses the cluster)`,
      value: Object.fromEntries(chosen.map((k) => [k, target[k]])),
      fix: 'keep one of targetTime, targetLSN, targetXID, targetName and targetImmediate',
    });
  }
  const time = target.targetTime;
  if (set(time)) {
    const parsed = typeof time === 'string' ? parseTargetTime(time) : undefined;
    if (!parsed) {
      out.push({
        code: 'recovery-target-time-invalid',
        field: at(prefix, 'targetTime'),
        message: 'is not a time CNPG can parse ("The format of TargetTime is invalid")',
        value: time,
        fix: 'use RFC 3339 ("2025-05-01T10:00:00Z", "2025-05-01T12:00:00+02:00") or PostgreSQL\'s form ("2025-05-01 10:00:00+00")',
      });
    } else if (parsed.form === 'postgres' && !postgresAcceptsFields(parsed)) {
      out.push({
        code: 'recovery-target-time-out-of-range',
        field: at(prefix, 'targetTime'),
        message:
          'names a day or time that does not exist: CNPG accepts the form and passes it to PostgreSQL unchanged, which refuses it when the recovery starts (recovery_target_time)',
        value: time,
        fix: 'use a real date and time (months 1-12, the days of that month, hours 0-23, minutes and seconds 0-59)',
      });
    }
  }
  const lsn = target.targetLSN;
  if (set(lsn)) {
    if (typeof lsn !== 'string' || !CNPG_LSN.test(lsn)) {
      out.push({
        code: 'recovery-target-lsn-invalid',
        field: at(prefix, 'targetLSN'),
        message: 'is not an LSN ("Invalid TargetLSN")',
        value: lsn,
        fix: 'use two hexadecimal numbers separated by "/", such as "0/3000060"',
      });
    } else if (!PG_LSN.test(lsn)) {
      out.push({
        code: 'recovery-target-lsn-out-of-range',
        field: at(prefix, 'targetLSN'),
        message: 'has a part of more than 8 hexadecimal digits: CNPG accepts it, PostgreSQL refuses it when the recovery starts (pg_lsn)',
        value: lsn,
        fix: 'use at most 8 hexadecimal digits on each side of "/", such as "1A/3000060"',
      });
    }
  }
  const xid = target.targetXID;
  // CNPG: strconv.ParseUint(_, 10, 32), so PostgreSQL gets the transaction id the user wrote.
  if (set(xid) && (typeof xid !== 'string' || !/^[0-9]+$/.test(xid) || Number(xid) > 0xffffffff)) {
    out.push({
      code: 'recovery-target-xid-invalid',
      field: at(prefix, 'targetXID'),
      message: 'must be a non-negative 32-bit integer, in decimal',
      value: xid,
      fix: 'use the decimal transaction id, such as "1234567" (SELECT pg_current_xact_id() shows it)',
    });
  }
  const name = target.targetName;
  if (set(name)) {
    if (typeof name !== 'string' || Buffer.byteLength(name, 'utf8') >= 64) {
      out.push({
        code: 'recovery-target-name-too-long',
        field: at(prefix, 'targetName'),
        message: 'must be shorter than 64 bytes (PostgreSQL MAXFNAMELEN, for recovery_target_name and pg_create_restore_point)',
        value: name,
        fix: 'use the name given to pg_create_restore_point, which is shorter than 64 bytes',
      });
    } else if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
      out.push({
        code: 'recovery-target-name-control-character',
        field: at(prefix, 'targetName'),
        message: 'must not contain ASCII control characters',
        value: name,
        fix: 'use the restore point name without newlines or other control characters',
      });
    }
  }
  const tli = target.targetTLI;
  if (set(tli) && tli !== 'latest' && (typeof tli !== 'string' || !/^[+-]?[0-9]+$/.test(tli) || Number(tli) < 1)) {
    out.push({
      code: 'recovery-target-timeline-invalid',
      field: at(prefix, 'targetTLI'),
      message: 'must be "latest" or a positive integer',
      value: tli,
      fix: 'use "latest" or a timeline number such as "2"',
    });
  }
  const byLabel =
    set(target.targetName) || set(target.targetXID) || (target.targetImmediate !== undefined && target.targetImmediate !== null);
  if (byLabel && !fromSnapshots && !set(target.backupID)) {
    out.push({
      code: 'recovery-target-backup-id-required',
      field: at(prefix, 'backupID'),
      message: `is required with ${chosen.filter((k) => k !== 'targetTime' && k !== 'targetLSN').join(' and ')}: CNPG can pick the backup by time or LSN only ("BackupID is missing")`,
      value: target.backupID,
      fix: "set backupID to the id of the backup taken before the target (the Backup object's status.backupId)",
    });
  }
  if (fromSnapshots && set(target.backupID)) {
    out.push({
      code: 'recovery-target-backup-id-with-snapshots',
      field: at(prefix, 'backupID'),
      message: 'cannot be given when recovering from volume snapshots (validateBootstrapRecoveryDataSource)',
      value: target.backupID,
      fix: 'remove backupID: the snapshots are the backup',
    });
  }
  return out;
}
