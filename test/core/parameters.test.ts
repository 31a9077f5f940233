// CNPG's default parameters: one table (lib/core/parameters.ts), each entry with the lines of cloudnative-pg v1.30.0
// pkg/postgres/configuration.go it comes from, read by the admission rules and by the plan alike.
import { cnpgAdmissionValue, GLOBAL_DEFAULT_SETTINGS, GLOBAL_DEFAULT_SETTINGS_SOURCES } from '../../lib/core/parameters';
import { effectiveParameters, parameterChanges } from '../../lib/core/plan/parameters';
import { citationsAgainstLock, readLock } from '../support/citations';

describe("CNPG's GlobalDefaultSettings", () => {
  test('every default names the line of configuration.go that sets its key and its value, and the lock says the line does', () => {
    expect(Object.keys(GLOBAL_DEFAULT_SETTINGS_SOURCES).sort()).toEqual(Object.keys(GLOBAL_DEFAULT_SETTINGS).sort());
    for (const [name, cites] of Object.entries(GLOBAL_DEFAULT_SETTINGS_SOURCES)) {
      expect([name, cites[0].file, cites[0].line]).toEqual([name, 'pkg/postgres/configuration.go', cites[1].line]);
    }
    const all = Object.values(GLOBAL_DEFAULT_SETTINGS_SOURCES).flat();
    const lock = readLock();
    const inLock = citationsAgainstLock(all, lock).filter((p) => !p.includes('no citation names it'));
    expect(inLock).toEqual([]);
    // A constant stands for the value: LogPath is ScratchDataDirectory + "/log".
    expect(GLOBAL_DEFAULT_SETTINGS_SOURCES.log_directory.map((c) => c.text)).toEqual([
      '"log_directory":',
      'LogPath',
      'LogPath = ScratchDataDirectory + "/log"',
      'ScratchDataDirectory = "/controller"',
    ]);
    expect(GLOBAL_DEFAULT_SETTINGS.log_directory).toBe('/controller/log');
  });

  test('the plan and the admission value read the same table', () => {
    expect(effectiveParameters(undefined)).toBe(GLOBAL_DEFAULT_SETTINGS);
    expect(effectiveParameters({ wal_level: 'replica' })).toEqual({ ...GLOBAL_DEFAULT_SETTINGS, wal_level: 'replica' });
    expect(cnpgAdmissionValue('log_destination', false)).toBe(GLOBAL_DEFAULT_SETTINGS.log_destination);
    expect(cnpgAdmissionValue('wal_level', false)).toBeUndefined(); // not a fixed parameter
    const [change] = parameterChanges({}, { max_worker_processes: '64' });
    expect(change).toEqual(expect.objectContaining({ before: '32', after: '64' }));
  });
});
