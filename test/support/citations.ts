// The lock of the library's citations of CloudNativePG: what each cited line of cloudnative-pg v1.30.0 reads,
// committed in test/plan/cnpg-citations.lock.json so that a machine without the CNPG source (CI) checks every
// citation against it, and checked against the source wherever a git mirror of it is at hand.
// `node scripts/lock-citations.js` writes the lock from the mirror (CNPG_SOURCE to point elsewhere).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Citation } from '../../lib/core/plan/types';

export const CITATION_LOCK = path.join(__dirname, '..', 'plan', 'cnpg-citations.lock.json');
export const CNPG_TAG = 'v1.30.0';
export const CNPG_MIRROR = process.env.CNPG_SOURCE ?? '/work/.mirror/cloudnative-pg+cloudnative-pg/repo';

export interface LockedFile {
  /** The git blob id of the file at the tag (`git rev-parse v1.30.0:<file>`). */
  readonly blob: string;
  /** The text of each cited line, by its 1-based number. */
  readonly lines: Readonly<Record<string, string>>;
}

export interface CitationLock {
  readonly repository: string;
  readonly tag: string;
  /** The commit the tag names. */
  readonly commit: string;
  readonly files: Readonly<Record<string, LockedFile>>;
}

/** The CNPG source at the tag, as the lock's checks read it. */
export interface CnpgSource {
  commit(): string;
  blob(file: string): string;
  lines(file: string): readonly string[];
}

/** The source in a git mirror (bare or not), or undefined when there is none at `dir` or it lacks the tag. */
export function gitSource(dir = CNPG_MIRROR, tag = CNPG_TAG): CnpgSource | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  let commit: string;
  try {
    commit = git('rev-parse', `${tag}^{commit}`).trim();
  } catch {
    return undefined;
  }
  const files = new Map<string, string[]>();
  return {
    commit: () => commit,
    blob: (file) => git('rev-parse', `${commit}:${file}`).trim(),
    lines: (file) => {
      let l = files.get(file);
      if (!l) {
        l = git('show', `${commit}:${file}`).split('\n');
        files.set(file, l);
      }
      return l;
    },
  };
}

/**
 * Loads every module of lib/ that cites CNPG (calls `cnpg(` of lib/core/plan/cite.ts), so that each of its
 * citations is registered, also those of modules the core entry point does not load. Returns their paths.
 */
export function loadCitingModules(root = path.join(__dirname, '..', '..', 'lib')): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && /\bcnpg\(/.test(fs.readFileSync(p, 'utf8'))) found.push(p);
    }
  };
  walk(root);
  for (const p of found) require(p);
  return found;
}

export function readLock(file = CITATION_LOCK): CitationLock {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CitationLock;
}

const where = (c: Citation) => `${c.file}:${c.line}`;

/**
 * What is wrong with the citations, read through the lock: a cited line the lock does not hold, a quote the locked
 * line does not contain, and a locked line no citation cites (the lock is then stale). Empty when all is right.
 */
export function citationsAgainstLock(citations: readonly Citation[], lock: CitationLock): string[] {
  const out: string[] = [];
  const cited = new Set<string>();
  for (const c of citations) {
    cited.add(where(c));
    const text = lock.files[c.file]?.lines[String(c.line)];
    if (text === undefined) out.push(`${where(c)} is not in the lock: run node scripts/lock-citations.js with the CNPG source`);
    else if (!text.includes(c.text))
      out.push(`${where(c)} does not read ${JSON.stringify(c.text)} (it reads ${JSON.stringify(text.trim())})`);
  }
  for (const [file, locked] of Object.entries(lock.files))
    for (const line of Object.keys(locked.lines))
      if (!cited.has(`${file}:${line}`))
        out.push(`${file}:${line} is in the lock but no citation names it: run node scripts/lock-citations.js`);
  return out;
}

/** What differs between the lock and the source: the commit, a file's blob, a locked line's text. */
export function lockAgainstSource(lock: CitationLock, source: CnpgSource): string[] {
  const out: string[] = [];
  if (lock.commit !== source.commit()) out.push(`the lock is of commit ${lock.commit}, ${lock.tag} is ${source.commit()}`);
  for (const [file, locked] of Object.entries(lock.files)) {
    const blob = source.blob(file);
    if (blob !== locked.blob) out.push(`${file}: the lock holds blob ${locked.blob}, the source has ${blob}`);
    const lines = source.lines(file);
    for (const [line, text] of Object.entries(locked.lines))
      if (lines[Number(line) - 1] !== text)
        out.push(`${file}:${line}: the lock reads ${JSON.stringify(text)}, the source ${JSON.stringify(lines[Number(line) - 1])}`);
  }
  return out;
}

/** The lock of `citations` from the source; throws, listing them, when some citation is not the line it names. */
export function lockFrom(citations: readonly Citation[], source: CnpgSource): CitationLock {
  const wrong = citations
    .filter((c) => !(source.lines(c.file)[c.line - 1] ?? '').includes(c.text))
    .map(
      (c) => `${where(c)} does not read ${JSON.stringify(c.text)} (it reads ${JSON.stringify(source.lines(c.file)[c.line - 1]?.trim())})`,
    );
  if (wrong.length > 0) throw new Error(`citations that are not the line they name:\n${wrong.join('\n')}`);
  const files: Record<string, { blob: string; lines: Record<string, string> }> = {};
  const sorted = [...citations].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  for (const c of sorted) {
    files[c.file] ??= { blob: source.blob(c.file), lines: {} };
    files[c.file].lines[String(c.line)] = source.lines(c.file)[c.line - 1];
  }
  return { repository: 'github.com/cloudnative-pg/cloudnative-pg', tag: CNPG_TAG, commit: source.commit(), files };
}

export function lockText(lock: CitationLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
