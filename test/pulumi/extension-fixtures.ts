// Our own pure-SQL extensions, each modelled on a case of PostgreSQL's own extension tests
// (src/test/modules/test_extensions: test_ext1..9, test_ext_cyclic*, test_ext_cor, test_ext_cine,
// test_ext_extschema, test_ext_set_schema, test_ext_req_schema1..3, test_extdepend), written for these tests.
// Each "image" is a directory of control files and scripts, mounted as CNPG mounts extension images
// (test/support/pg.ts, customImages).

/** One extension: its control file, version-specific (secondary) control files, and scripts by version or path. */
interface Fixture {
  readonly control: Readonly<Record<string, string | boolean>>;
  /** `<name>--<version>.control`: settings that differ for that version (requires, relocatable). */
  readonly versions?: Readonly<Record<string, Readonly<Record<string, string | boolean>>>>;
  /** `<name>--<version>.sql` or `<name>--<from>--<to>.sql`, keyed by `<version>` or `<from>--<to>`. */
  readonly scripts: Readonly<Record<string, string>>;
}

function controlText(settings: Readonly<Record<string, string | boolean>>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} = ${typeof v === 'boolean' ? v : `'${v}'`}\n`)
    .join('');
}

/** The files of one image holding `fixtures` (relative path -> content), for startPostgres({ customImages }). */
export function imageOf(fixtures: Readonly<Record<string, Fixture>>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, f] of Object.entries(fixtures)) {
    files[`share/extension/${name}.control`] = controlText(f.control);
    for (const [v, settings] of Object.entries(f.versions ?? {})) files[`share/extension/${name}--${v}.control`] = controlText(settings);
    for (const [v, sql] of Object.entries(f.scripts)) files[`share/extension/${name}--${v}.sql`] = sql;
  }
  return files;
}

const fn = (name: string, body = `'${name}'`) => `CREATE FUNCTION ${name}() RETURNS text LANGUAGE sql AS $$ SELECT ${body}::text $$;\n`;

/**
 * A chain of requirements (test_ext1..5): cx_chain1 requires cx_chain2, which requires cx_chain3 and cx_chain4,
 * which requires cx_chain5. Two that require each other (test_ext_cyclic1/2).
 */
export const CHAIN: Record<string, Fixture> = {
  cx_chain1: { control: { default_version: '1.0', relocatable: true, requires: 'cx_chain2' }, scripts: { '1.0': fn('cx_chain1_fn') } },
  cx_chain2: {
    control: { default_version: '1.0', relocatable: true, requires: 'cx_chain3, cx_chain4' },
    scripts: { '1.0': fn('cx_chain2_fn') },
  },
  cx_chain3: { control: { default_version: '1.0', relocatable: true }, scripts: { '1.0': fn('cx_chain3_fn') } },
  cx_chain4: { control: { default_version: '1.0', relocatable: true, requires: 'cx_chain5' }, scripts: { '1.0': fn('cx_chain4_fn') } },
  cx_chain5: { control: { default_version: '1.0', relocatable: true }, scripts: { '1.0': fn('cx_chain5_fn') } },
  cx_cyclic1: { control: { default_version: '1.0', relocatable: true, requires: 'cx_cyclic2' }, scripts: { '1.0': fn('cx_cyclic1_fn') } },
  cx_cyclic2: { control: { default_version: '1.0', relocatable: true, requires: 'cx_cyclic1' }, scripts: { '1.0': fn('cx_cyclic2_fn') } },
};

/** Control files that restrict: a fixed schema (test_ext6), superuser only, trusted (test_ext6's superuser, PG 13 trusted). */
export const RESTRICTED: Record<string, Fixture> = {
  cx_fixed: {
    control: { default_version: '1.0', relocatable: false, schema: 'cx_fixed_schema', superuser: true },
    scripts: { '1.0': fn('cx_fixed_fn') },
  },
  cx_superuser: { control: { default_version: '1.0', relocatable: true, superuser: true }, scripts: { '1.0': fn('cx_superuser_fn') } },
  cx_trusted: {
    control: { default_version: '1.0', relocatable: true, superuser: true, trusted: true },
    scripts: { '1.0': fn('cx_trusted_fn') },
  },
};

/**
 * Scripts that meet what is already there: an update that drops member tables (test_ext7), temporary objects
 * (test_ext8), CREATE OR REPLACE and CREATE ... IF NOT EXISTS over objects the extension does not own
 * (test_ext_cor, test_ext_cine), @extschema@ in a schema name PostgreSQL cannot substitute (test_ext_extschema),
 * the objects SET SCHEMA must carry along (test_ext_set_schema).
 */
export const SCRIPTS: Record<string, Fixture> = {
  cx_tables: {
    control: { default_version: '1.0', relocatable: true },
    scripts: {
      '1.0': 'CREATE TABLE cx_tables_one (id serial PRIMARY KEY);\nCREATE TABLE cx_tables_two (id serial PRIMARY KEY);\n',
      '1.0--2.0': 'DROP TABLE cx_tables_one;\n',
    },
  },
  cx_temp: {
    control: { default_version: '1.0', relocatable: false },
    scripts: {
      '1.0':
        'CREATE DOMAIN cx_posint AS int CHECK (VALUE > 0);\nCREATE TABLE cx_temp_table (f1 cx_posint);\n' +
        'CREATE TEMP TABLE cx_temp_temp_table (f1 cx_posint);\n' +
        "CREATE FUNCTION pg_temp.cx_temp_even(cx_posint) RETURNS bool LANGUAGE sql AS 'SELECT ($1 % 2) = 0';\n",
    },
  },
  cx_cor: {
    control: { default_version: '1.0', relocatable: true },
    scripts: {
      '1.0': "CREATE OR REPLACE FUNCTION cx_cor_func() RETURNS text LANGUAGE sql AS $$ SELECT 'cx_cor_func: extension'::text $$;\n",
    },
  },
  cx_cine: {
    control: { default_version: '1.0', relocatable: true },
    scripts: { '1.0': 'CREATE TABLE IF NOT EXISTS cx_cine_table (x int);\n' },
  },
  cx_extschema: { control: { default_version: '1.0', relocatable: false }, scripts: { '1.0': 'SELECT 1 AS @extschema@;\n' } },
  cx_move: {
    control: { default_version: '1.0', relocatable: true },
    scripts: {
      '1.0':
        'CREATE TABLE cx_move_table (f1 int PRIMARY KEY, f2 int, f3 text, CONSTRAINT cx_move_check CHECK (f1 <> f2));\n' +
        'CREATE FUNCTION cx_move_func(int) RETURNS text BEGIN ATOMIC SELECT f3 FROM cx_move_table WHERE f1 = $1; END;\n' +
        'CREATE TYPE cx_move_range AS RANGE (subtype = text);\nCREATE TYPE cx_move_composite AS (f1 int, f2 cx_move_range);\n',
    },
  },
};

/**
 * Schemas of required extensions (test_ext_req_schema1..3): cx_base is relocatable; cx_follow requires it and
 * refers to it through an SQL-standard body (recorded by OID, so cx_base may move); cx_pin requires both, refers to
 * cx_base by name in a string body and so lists it in `no_relocate` (PostgreSQL 16+).
 */
export const SCHEMAS: Record<string, Fixture> = {
  cx_base: {
    control: { default_version: '1.0', relocatable: true },
    scripts: {
      '1.0': fn('cx_base_fn', "'base'"),
      '1.1': fn('cx_base_fn', "'base 1.1'"),
      '1.0--1.1': "CREATE OR REPLACE FUNCTION cx_base_fn() RETURNS text LANGUAGE sql AS $$ SELECT 'base 1.1'::text $$;\n",
    },
  },
  cx_follow: {
    control: { default_version: '1.0', relocatable: true, requires: 'cx_base' },
    scripts: {
      '1.0': "CREATE FUNCTION cx_follow_fn() RETURNS text BEGIN ATOMIC SELECT @extschema:cx_base@.cx_base_fn() || ' follow'; END;\n",
    },
  },
  cx_pin: {
    control: { default_version: '1.0', relocatable: true, requires: 'cx_base, cx_follow', no_relocate: 'cx_base' },
    scripts: { '1.0': fn('cx_pin_fn', "@extschema:cx_base@.cx_base_fn() || ' pin'") },
  },
};

/**
 * Versions that change requirements and relocatability (secondary control files): cx_swap 1.0 requires cx_old,
 * 2.0 requires cx_base instead, and its update script moves its function over (cx_swapbad's forgets to, so its
 * function still uses cx_old); cx_reloc 1.0 and 1.2 are not relocatable, 1.1 is.
 */
export const VERSIONS: Record<string, Fixture> = {
  cx_old: { control: { default_version: '1.0', relocatable: true }, scripts: { '1.0': fn('cx_old_fn', "'old'") } },
  cx_swap: {
    control: { default_version: '1.0', relocatable: true },
    versions: { '1.0': { requires: 'cx_old' }, '2.0': { requires: 'cx_base' } },
    scripts: {
      '1.0': "CREATE FUNCTION cx_swap_fn() RETURNS text BEGIN ATOMIC SELECT @extschema:cx_old@.cx_old_fn() || ' swap'; END;\n",
      '1.0--2.0':
        "DROP FUNCTION cx_swap_fn();\nCREATE FUNCTION cx_swap_fn() RETURNS text BEGIN ATOMIC SELECT @extschema:cx_base@.cx_base_fn() || ' swap'; END;\n",
    },
  },
  cx_swapbad: {
    control: { default_version: '1.0', relocatable: true },
    versions: { '1.0': { requires: 'cx_old' }, '2.0': { requires: 'cx_base' } },
    scripts: {
      '1.0': "CREATE FUNCTION cx_swapbad_fn() RETURNS text BEGIN ATOMIC SELECT @extschema:cx_old@.cx_old_fn() || ' swap'; END;\n",
      '1.0--2.0': fn('cx_swapbad_new'),
    },
  },
  cx_reloc: {
    control: { default_version: '1.0', relocatable: false },
    versions: { '1.1': { relocatable: true }, '1.2': { relocatable: false } },
    scripts: { '1.0': fn('cx_reloc_fn'), '1.0--1.1': '', '1.1--1.2': '' },
  },
};

/** A plain extension for objects marked DEPENDS ON EXTENSION (test_extdepend uses test_ext5). */
export const DEPEND: Record<string, Fixture> = {
  cx_dep: {
    control: { default_version: '1.0', relocatable: true },
    scripts: { '1.0': `${fn('cx_dep_fn')}CREATE TYPE cx_dep_type AS (a int, b text);\n` },
  },
  // Uses cx_dep's type without saying so in `requires`: only pg_depend knows.
  cx_dep_user: {
    control: { default_version: '1.0', relocatable: true },
    scripts: { '1.0': 'CREATE FUNCTION cx_dep_user_fn(cx_dep_type) RETURNS int LANGUAGE sql AS $$ SELECT ($1).a $$;\n' },
  },
};

/** Two extensions that define the same function (test_ext_cor's clash with an object they do not own): never both. */
export const CLASH: Record<string, Fixture> = {
  cx_clash1: { control: { default_version: '1.0', relocatable: true }, scripts: { '1.0': fn('cx_clash_fn', "'one'") } },
  cx_clash2: { control: { default_version: '1.0', relocatable: true }, scripts: { '1.0': fn('cx_clash_fn', "'two'") } },
};
