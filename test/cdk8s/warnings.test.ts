// Mistakes that work but are probably not what was meant are warnings: builders return them beside their model,
// synth prints each with its construct path, code and fix (and goes on), code reads them with CnpgChecks.of, and
// strictness makes them errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import {
  CnpgChecks,
  CnpgValidationError,
  ExtensionDatabase,
  ExtensionImage,
  type ExtensionImageProps,
  PostgresCluster,
  type PostgresClusterProps,
} from '../../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const newApp = () => new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'warn-')) });
const postgisLike = (p: Partial<ExtensionImageProps> = {}) =>
  new ExtensionImage({
    name: 'postgis',
    reference: 'registry.internal/mirror/postgis-extension:3.6.1-18-trixie',
    sqlExtensions: ['postgis'],
    ...p,
  });

/** The warnings of one cluster (and that it was built: warnings never stop construction). */
function warningsOf(props: Partial<PostgresClusterProps>): { code: string; field: string; message: string; fix: string }[] {
  const app = newApp();
  const c = new PostgresCluster(new Chart(app, 'db'), 'angus', { imageName: IMAGE, storage: { size: '1Gi' }, ...props });
  expect(c.model.warnings).toEqual(CnpgChecks.of(app).warnings.map(({ where: _w, ...f }) => f));
  expect(CnpgChecks.of(app).errors).toEqual([]);
  return c.model.warnings.map((w) => ({ code: w.code, field: w.field, message: w.message, fix: w.fix }));
}

describe('the mistakes that pass silently elsewhere', () => {
  test('a custom image of the PostGIS repository without the catalog ld_library_path and env', () => {
    expect(warningsOf({ extensions: [postgisLike()] })).toEqual([
      expect.objectContaining({
        code: 'image-catalog-ld-library-path-missing',
        field: 'extensions[0].ldLibraryPath',
        message: expect.stringContaining('ld_library_path ["system"]'),
        fix: expect.stringContaining('add ldLibraryPath: ["system"], or use ExtensionImage.postgis(version)'),
      }),
      expect.objectContaining({
        code: 'image-catalog-env-missing',
        field: 'extensions[0].env',
        message: expect.stringContaining('GDAL_DATA, PROJ_DATA'),
        fix: expect.stringContaining('"GDAL_DATA":"${image_root}/share/gdal"'),
      }),
    ]);
    // What the catalog says, given: nothing to say. Below CNPG 1.29 env is not applied (and refused): no env warning.
    expect(
      warningsOf({
        extensions: [postgisLike({ ldLibraryPath: ['./system/'], env: { ...ExtensionImage.postgis('3.6.1').envWhenSupported } })],
      }),
    ).toEqual([]);
    expect(warningsOf({ operatorVersion: '1.28.4', extensions: [postgisLike({ ldLibraryPath: ['system'] })] })).toEqual([]);
    expect(warningsOf({ extensions: [ExtensionImage.postgis('3.6.1')] })).toEqual([]);
  });

  test('a factory version the catalog does not know names the known ones', () => {
    expect(warningsOf({ extensions: [ExtensionImage.pgvector('0.81')] })).toEqual([
      {
        code: 'image-version-unknown',
        field: 'extensions[0].version',
        message:
          "is not a pgvector version the library's catalog knows (0.8.1, 0.8.2, 0.8.3, 0.8.4, 0.8.5, 0.8.6), so the tag 0.81-18-trixie may not exist",
        fix: expect.stringContaining('npx cnpg-constructs images inspect ghcr.io/cloudnative-pg/pgvector:0.81-18-trixie'),
      },
    ]);
    expect(warningsOf({ extensions: [ExtensionImage.pgvector('0.8.6')] })).toEqual([]);
  });

  test.each([['18-standard-trixie'], ['18.6-system-bookworm']])('a %s operand image with extension images', (tag) => {
    const image = `ghcr.io/cloudnative-pg/postgresql:${tag}`;
    const distro = tag.endsWith('bookworm') ? 'bookworm' : 'trixie';
    expect(warningsOf({ imageName: image, extensions: [ExtensionImage.pgvector('0.8.1', { distro })] })).toEqual([
      expect.objectContaining({
        code: 'operand-image-bundles-extensions',
        field: 'imageName',
        message: expect.stringContaining('CNPG puts $system first in extension_control_path'),
        fix: expect.stringContaining(`"ghcr.io/cloudnative-pg/postgresql:${tag.replace(/standard|system/, 'minimal')}"`),
      }),
    ]);
    expect(warningsOf({ imageName: image })).toEqual([]);
  });

  test('a cluster named by a string that no Cluster can have is an error, once, on `cluster`', () => {
    let e: unknown;
    try {
      new ExtensionDatabase(new Chart(newApp(), 'db'), 'app', { cluster: 'Bad Name!', name: 'app', owner: 'app' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(CnpgValidationError);
    expect((e as CnpgValidationError).problems).toEqual([
      expect.objectContaining({ code: 'database-cluster-name-invalid', field: 'cluster', value: 'Bad Name!' }),
    ]);
    expect((e as Error).message).toMatch(
      /^ExtensionDatabase at 'db\/app' is invalid: cluster: the name of the cluster must be a lowercase/,
    );
  });
});

describe('warnings at synth', () => {
  const quiet = process.env.CNPG_CONSTRUCTS_QUIET;
  afterEach(() => {
    process.env.CNPG_CONSTRUCTS_QUIET = quiet;
    delete process.env.CNPG_CONSTRUCTS_STRICT;
  });

  function appWithWarnings(): App {
    const app = newApp();
    // Two charts: cdk8s validates the app once per chart more; the warnings are still printed once.
    new PostgresCluster(new Chart(app, 'a'), 'one', {
      imageName: IMAGE,
      storage: { size: '1Gi' },
      extensions: [ExtensionImage.pgvector('0.81')],
    });
    new PostgresCluster(new Chart(app, 'b'), 'two', {
      imageName: IMAGE,
      storage: { size: '1Gi' },
      extensions: [ExtensionImage.pgvector('0.81')],
    });
    return app;
  }

  test('are printed on standard error, each with its construct path, code, field and fix, once; synth goes on', () => {
    delete process.env.CNPG_CONSTRUCTS_QUIET;
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
    const app = appWithWarnings();
    try {
      app.synth();
    } finally {
      write.mockRestore();
    }
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
    expect(lines).toEqual([
      expect.stringMatching(
        /^warning \[a\/one\] image-version-unknown: extensions\[0\]\.version: is not a pgvector version .* Fix: use one of 0\.8\.1, .*\n$/,
      ),
      expect.stringMatching(/^warning \[b\/two\] image-version-unknown: /),
    ]);
  });

  test('CNPG_CONSTRUCTS_QUIET=1 silences them; a log function of configure() receives them', () => {
    process.env.CNPG_CONSTRUCTS_QUIET = '1';
    const write = jest.spyOn(process.stderr, 'write');
    appWithWarnings().synth();
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
    const lines: string[] = [];
    const app = appWithWarnings();
    CnpgChecks.configure(app, { log: (l) => lines.push(l) });
    app.synth();
    expect(lines).toHaveLength(2);
  });

  test('strict makes them errors: configure(app, { strict: true }) or CNPG_CONSTRUCTS_STRICT=1', () => {
    const strict = appWithWarnings();
    CnpgChecks.configure(strict, { strict: true });
    expect(() => strict.synth()).toThrow(
      /\[a\/one\] image-version-unknown: extensions\[0\]\.version: [\s\S]*\[b\/two\] image-version-unknown/,
    );
    process.env.CNPG_CONSTRUCTS_STRICT = '1';
    expect(() => appWithWarnings().synth()).toThrow(/Validation failed[\s\S]*image-version-unknown/);
  });
});
