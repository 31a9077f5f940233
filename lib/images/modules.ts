// Which shared objects an extension's scripts load, and where PostgreSQL 18 looks for them.
// - A script is run after execute_extension_script's substitutions (src/backend/commands/extension.c): lines
//   starting with `\echo` emptied, MODULE_PATHNAME replaced by the control file's module_pathname.
// - `CREATE FUNCTION ... AS 'file'[, 'symbol'] LANGUAGE C` loads through load_external_function
//   (src/backend/utils/fmgr/dfmgr.c): a leading "$libdir/" is stripped from a simple name ("$libdir/a/b" keeps
//   it: PostgreSQL 18.4 reports could not access file "$libdir/a/b"), then expand_dynamic_library_name: a name
//   without "/" is searched in dynamic_library_path (find_in_path, "$libdir" = the operand's pkglib), then with
//   ".so" added; a name with "/" is taken as a path ($libdir substituted only at its start, substitute_path_macro).
// - `LOAD 'file'` (and shared_preload_libraries) goes through load_file, which does not strip "$libdir/": a
//   "$libdir/x" is the operand's own directory, where a mounted image's module is not.

/** A shared object a script loads. */
export interface ModuleReference {
  /** As written, after MODULE_PATHNAME is substituted. */
  readonly name: string;
  /** `function`: CREATE FUNCTION ... LANGUAGE C (load_external_function); `load`: LOAD (load_file). */
  readonly via: 'function' | 'load';
}

type Tok = { readonly kind: 'word' | 'string' | 'punct'; readonly text: string };

/**
 * The statements of a script as tokens: comments, dollar-quoted bodies and identifiers handled as PostgreSQL's
 * lexer (src/backend/parser/scan.l) handles them, enough to find LOAD and C functions.
 */
function statements(sql: string): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      let text = '';
      while (i < n) {
        if (escapes && sql[i] === '\\') {
          text += sql[i + 1] ?? '';
          i += 2;
        } else if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            text += "'";
            i += 2;
          } else {
            i++;
            break;
          }
        } else text += sql[i++];
      }
      cur.push({ kind: 'string', text });
    } else if (c === '$' && /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = (/^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64)) as RegExpExecArray)[0];
      const end = sql.indexOf(tag, i + tag.length);
      const body = sql.slice(i + tag.length, end < 0 ? n : end);
      cur.push({ kind: 'string', text: body });
      i = end < 0 ? n : end + tag.length;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < n) {
        if (sql[i] === '"') {
          if (sql[i + 1] === '"') {
            text += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else text += sql[i++];
      }
      cur.push({ kind: 'word', text });
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i])) i++;
      cur.push({ kind: 'word', text: sql.slice(start, i).toLowerCase() });
    } else if (c === ';') {
      if (cur.length) out.push(cur);
      cur = [];
      i++;
    } else if (/\s/.test(c)) i++;
    else {
      cur.push({ kind: 'punct', text: c });
      i++;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The script as execute_extension_script runs it: `\echo` lines emptied, MODULE_PATHNAME replaced. */
export function substituteScript(text: string, modulePathname: string | undefined): string {
  const echoed = text.replace(/^\\echo.*$/gm, '');
  return modulePathname === undefined ? echoed : echoed.split('MODULE_PATHNAME').join(modulePathname);
}

/** The shared objects a script loads (C functions' files and LOAD statements), in order, without repeats. */
export function moduleReferences(text: string, modulePathname: string | undefined): ModuleReference[] {
  const out: ModuleReference[] = [];
  const add = (r: ModuleReference) => {
    if (!out.some((x) => x.name === r.name && x.via === r.via)) out.push(r);
  };
  for (const st of statements(substituteScript(text, modulePathname))) {
    const w = (i: number) => (st[i]?.kind === 'word' ? st[i].text : undefined);
    if (w(0) === 'load' && st[1]?.kind === 'string') {
      add({ name: st[1].text, via: 'load' });
      continue;
    }
    const fn = w(0) === 'create' && (w(1) === 'function' || w(1) === 'procedure' || w(3) === 'function' || w(3) === 'procedure');
    if (!fn) continue;
    const lang = st.findIndex((t, i) => t.kind === 'word' && t.text === 'language' && i > 1);
    const langName = lang >= 0 ? st[lang + 1]?.text.toLowerCase() : undefined;
    if (langName !== 'c') continue;
    const as = st.findIndex((t, i) => t.kind === 'word' && t.text === 'as' && st[i + 1]?.kind === 'string');
    if (as >= 0) add({ name: st[as + 1].text, via: 'function' });
  }
  return out;
}

/** How PostgreSQL names the file it will look for: the path form, or a bare name searched on dynamic_library_path. */
export type ModuleLookup =
  | { readonly kind: 'search'; readonly name: string }
  | { readonly kind: 'libdir'; readonly rest: string }
  | { readonly kind: 'path'; readonly path: string };

/** expand_dynamic_library_name's first step for `ref`, after load_external_function's "$libdir/" strip. */
export function moduleLookup(ref: ModuleReference): ModuleLookup {
  const simple = ref.name.startsWith('$libdir/') && !ref.name.slice('$libdir/'.length).includes('/');
  const name = ref.via === 'function' && simple ? ref.name.slice('$libdir/'.length) : ref.name;
  if (!name.includes('/')) return { kind: 'search', name };
  if (name.startsWith('$libdir/')) return { kind: 'libdir', rest: name.slice('$libdir/'.length) };
  return { kind: 'path', path: name };
}
