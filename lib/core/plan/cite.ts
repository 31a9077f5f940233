// Citations of the plan's rules: every rule says which line of CloudNativePG v1.30.0 it follows.
// Each citation is registered here so that a test can check all of them against the source.
import type { Citation } from './types';

const ALL = new Map<string, Citation>();

/** A line of cloudnative-pg v1.30.0 (`text` is found on it); one object per line and text. */
export function cnpg(file: string, line: number, text: string): Citation {
  const key = `${file}:${line}:${text}`;
  const known = ALL.get(key);
  if (known) return known;
  const c = Object.freeze({ file, line, text });
  ALL.set(key, c);
  return c;
}

/** Every citation the plan's rules make. @internal */
export function allCitations(): readonly Citation[] {
  return [...ALL.values()];
}

/** `cloudnative-pg v1.30.0 internal/controller/cluster_upgrade.go:554` */
export function formatCitation(c: Citation): string {
  return `cloudnative-pg v1.30.0 ${c.file}:${c.line}`;
}
