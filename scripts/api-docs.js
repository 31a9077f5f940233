#!/usr/bin/env node
// The public API must be documented: every name a package entry exports (package.json "exports", read from the
// TypeScript sources the entries compile from) needs a doc comment on its declaration, and so does every public
// method, property and accessor of an exported class (constructors are not required: typedoc's default
// `requiredToBeDocumented` leaves them out too; overrides inherit the comment of what they override). Run by
// `npm run lint`.
//
//   node scripts/api-docs.js                     the package entries; exit 1 with one line per undocumented symbol
//   node scripts/api-docs.js --list              every exported name, its kind, its file and its first doc line
//   node scripts/api-docs.js --project <tsconfig> <entry.ts>...   other entries (the test's fixtures)
//
// scripts/api-docs-pending.json lists names whose comment is written elsewhere (see the comment in that file):
// they are reported as pending, not as failures.

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');

function packageEntries() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'string' ? target : target.types;
    if (!types?.endsWith('.d.ts')) continue;
    const source = types.replace(/^\.\/build\//, '').replace(/\.d\.ts$/, '.ts');
    out.push({ name: subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`, file: path.join(root, source) });
  }
  return out;
}

function parseArgs(argv) {
  const o = {
    list: false,
    project: path.join(root, 'tsconfig.json'),
    entries: [],
    pending: path.join(root, 'scripts', 'api-docs-pending.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--list') o.list = true;
    else if (a === '--project') o.project = path.resolve(argv[++i]);
    else if (a === '--pending') o.pending = argv[++i] === 'none' ? undefined : path.resolve(argv[i]);
    else if (a.startsWith('-'))
      throw new Error(`api-docs: unknown option ${a} (known: --list, --project <tsconfig>, --pending <file|none>)`);
    else o.entries.push({ name: a, file: path.resolve(a) });
  }
  if (o.entries.length === 0) o.entries = packageEntries();
  return o;
}

/**
 * The doc comment text of a declaration ('' when it has none): `/** ... *\/` only, never `//` comments, and never a
 * file's comment (`@module`, `@packageDocumentation`) that happens to precede the first statement.
 */
function docOf(node) {
  const parts = ts
    .getJSDocCommentsAndTags(node)
    .filter((d) => ts.isJSDoc(d) && !(d.tags ?? []).some((t) => ['module', 'packageDocumentation'].includes(t.tagName.text)));
  return parts
    .map((d) =>
      [ts.getTextOfJSDocComment(d.comment) ?? '', ...(d.tags ?? []).map((t) => ts.getTextOfJSDocComment(t.comment) ?? '')].join(' '),
    )
    .join(' ')
    .trim();
}

function kindOf(decl) {
  return ts.SyntaxKind[decl.kind].replace(/Declaration$/, '');
}

function isPublicMember(m) {
  const flags = ts.getCombinedModifierFlags(m);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  if (m.name && ts.isPrivateIdentifier(m.name)) return false;
  return ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m);
}

function check(options) {
  const cfg = ts.getParsedCommandLineOfConfigFile(
    options.project,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram(
    options.entries.map((e) => e.file),
    { ...cfg.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const rel = (f) => path.relative(process.cwd(), f);
  const missing = [];
  const listing = [];
  const seen = new Set();
  for (const entry of options.entries) {
    const sf = program.getSourceFile(entry.file);
    if (!sf) throw new Error(`api-docs: ${entry.file} is not a TypeScript file of the program`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = target.declarations ?? [];
      // `export * as ns from '...'` and documented re-exports: the comment on the export itself counts.
      const aliasDocs = (exported.declarations ?? [])
        .map((d) => docOf(ts.isNamespaceExport(d) ? d.parent : ts.isExportSpecifier(d) ? d.parent.parent : d))
        .join(' ');
      const declDocs = decls.map((d) => (ts.isSourceFile(d) ? '' : docOf(d))).join(' ');
      const decl = decls.find((d) => !ts.isSourceFile(d)) ?? exported.declarations?.[0];
      if (!decl) continue;
      const file = decl.getSourceFile();
      const where = `${rel(file.fileName)}:${file.getLineAndCharacterOfPosition(decl.getStart()).line + 1}`;
      const doc = `${aliasDocs} ${declDocs}`.trim();
      listing.push([entry.name, exported.name, kindOf(decl), where, doc.split('\n')[0].slice(0, 100)]);
      const key = `${exported.name}@${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!doc) missing.push({ name: exported.name, entry: entry.name, where, kind: kindOf(decl) });
      // Public members of exported classes.
      for (const d of decls) {
        if (!ts.isClassDeclaration(d)) continue;
        for (const m of d.members) {
          if (!isPublicMember(m)) continue;
          const memberName = m.name.getText(d.getSourceFile());
          const mKey = `${exported.name}.${memberName}@${where}`;
          if (seen.has(mKey)) continue;
          // Overloads: one documented signature documents them all.
          const siblings = d.members.filter((o) =>
            ts.isConstructorDeclaration(m) ? ts.isConstructorDeclaration(o) : o.name?.getText(d.getSourceFile()) === memberName,
          );
          if (siblings.some((o) => docOf(o))) continue;
          // An override documents itself through the member it overrides (cdk8s' and Pulumi's own docs).
          if (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Override) continue;
          seen.add(mKey);
          const mf = m.getSourceFile();
          missing.push({
            name: `${exported.name}.${memberName}`,
            entry: entry.name,
            where: `${rel(mf.fileName)}:${mf.getLineAndCharacterOfPosition(m.getStart()).line + 1}`,
            kind: kindOf(m),
          });
        }
      }
    }
  }
  return { missing, listing };
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const { missing, listing } = check(options);
  if (options.list) {
    for (const l of listing) console.log(l.join('\t'));
    return 0;
  }
  const pending = options.pending && fs.existsSync(options.pending) ? JSON.parse(fs.readFileSync(options.pending, 'utf8')).pending : {};
  const failures = missing.filter((m) => !(m.name in pending));
  const waiting = missing.filter((m) => m.name in pending);
  const stale = Object.keys(pending).filter((n) => !missing.some((m) => m.name === n));
  for (const m of failures)
    console.error(
      `${m.where}: ${m.name} (${m.kind}, exported by ${m.entry}) has no doc comment. Fix: write a /** ... */ comment above it, or stop exporting it from the entry if it is internal`,
    );
  if (waiting.length > 0)
    console.error(`api-docs: ${waiting.length} undocumented name(s) pending in ${path.relative(root, options.pending)}`);
  if (stale.length > 0)
    console.error(`api-docs: documented or gone, remove from ${path.relative(root, options.pending)}: ${stale.join(', ')}`);
  if (failures.length > 0) {
    console.error(`api-docs: ${failures.length} public symbol(s) without a doc comment`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 2;
  }
}

module.exports = { check, packageEntries };
