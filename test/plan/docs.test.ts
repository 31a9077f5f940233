// docs/PLAN.md says what the code does: its table of Cluster rules is the rule table, and every line of CNPG it
// links to is one the plan's rules cite (so the citation test checks it against the source).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planChanges } from '../../lib/core';
import { allCitations } from '../../lib/core/plan/cite';
import { CLUSTER_RULES } from '../../lib/core/plan/cluster-rules';
import type { Citation } from '../../lib/core/plan/types';

const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'PLAN.md'), 'utf8');
const link = (c: Citation) =>
  `[${c.file.split('/').pop()}:${c.line}](https://github.com/cloudnative-pg/cloudnative-pg/blob/v1.30.0/${c.file}#L${c.line})`;

test('the table of Cluster fields is the rule table, row by row', () => {
  const rows = CLUSTER_RULES.map(
    (r) => `| \`${r.path}\` | ${r.effect} | \`${r.code}\` | ${r.why.replace(/\|/g, '\\|')} | ${r.cite.map(link).join(' ')} |`,
  );
  const missing = rows.filter((row) => !doc.includes(row));
  expect(missing).toEqual([]);
});

test('every line of CNPG the document links to is cited by a rule', () => {
  planChanges([], []);
  const cited = new Set(allCitations().map((c) => `${c.file}#L${c.line}`));
  const linked = [...doc.matchAll(/blob\/v1\.30\.0\/([^#)]+)#L(\d+)\)/g)].map((m) => `${m[1]}#L${m[2]}`);
  expect(linked.length).toBeGreaterThan(80);
  expect(linked.filter((l) => !cited.has(l))).toEqual([]);
});
