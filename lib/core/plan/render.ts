// The plan in plain words: text for a terminal, Markdown for a pull-request comment.
import { formatCitation } from './cite';
import type { ChangePlan, Citation, Effect, ObjectPlan, PlanChange, SqlStatement } from './types';

const LABEL: Readonly<Record<Effect, string>> = {
  refused: 'REFUSED',
  'manual-restart': 'MANUAL RESTART',
  roll: 'roll',
  restart: 'restart',
  replace: 'replace',
  reload: 'reload',
  reconfigure: 'reconfigure',
  none: 'no effect',
};

const ICON: Readonly<Record<Effect, string>> = {
  refused: '⛔',
  'manual-restart': '⚠️',
  roll: '🔁',
  restart: '🔄',
  replace: '♻️',
  reload: '🔃',
  reconfigure: '⚙️',
  none: '·',
};

function value(v: unknown): string {
  if (v === undefined) return '(unset)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/** The one-line summary of a plan. */
export function summaryLine(plan: ChangePlan): string {
  const c = plan.summary.counts;
  const restarting = plan.objects.filter((p) => p.kind === 'Cluster' && (p.effect === 'roll' || p.effect === 'restart')).length;
  const manual = plan.objects.filter((p) => p.changes.some((x) => x.effect === 'manual-restart')).length;
  const refused = plan.objects.filter((p) => p.changes.some((x) => x.effect === 'refused')).length;
  return (
    `${restarting} cluster(s) restart, ${manual} object(s) need a manual restart, ${refused} refused; ` +
    `${c.create} created, ${c.update} updated, ${c.delete} deleted, ${c.unchanged} unchanged`
  );
}

function checkText(s: SqlStatement): string {
  if (!s.check) return '';
  return s.check.status === 'not-checked' ? ` [${s.check.reason}]` : ` [update path: ${s.check.status}: ${s.check.reason}]`;
}

const changed = (plan: ChangePlan) => plan.objects.filter((p) => p.action !== 'unchanged');

/** The plan as text. */
export function renderText(plan: ChangePlan): string {
  const out: string[] = [];
  for (const p of changed(plan)) {
    out.push(`${p.id}: ${p.action}, ${LABEL[p.effect]}`);
    for (const c of p.changes) {
      out.push(`  ${c.warning ? '! ' : ''}${c.field}: ${LABEL[c.effect]}: ${c.why}`);
      if (c.before !== undefined || c.after !== undefined) out.push(`      ${value(c.before)} -> ${value(c.after)}`);
      if (c.fix && (c.effect === 'manual-restart' || c.effect === 'refused' || c.warning)) out.push(`      fix: ${c.fix}`);
      if (c.cite.length) out.push(`      source: ${c.cite.map(formatCitation).join(', ')}`);
      if (c.rule) out.push(`      rule: ${c.rule}`);
    }
    if (p.rollout) {
      const r = p.rollout;
      out.push(`  rollout (${r.instances} instance(s), ${r.primaryUpdateStrategy}, ${r.primaryUpdateMethod}):`);
      r.steps.forEach((s, i) => {
        out.push(`    ${i + 1}. ${s}`);
      });
    }
    for (const s of p.statements ?? []) out.push(`  SQL: ${s.sql}${s.when ? ` (${s.when})` : ''}${checkText(s)}`);
    if (p.restarts?.length) out.push(`  restarts: ${p.restarts.join(', ')}`);
  }
  out.push(`plan: ${summaryLine(plan)}`);
  return `${out.join('\n')}\n`;
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function link(c: Citation): string {
  return `[${c.file.split('/').pop()}:${c.line}](https://github.com/cloudnative-pg/cloudnative-pg/blob/v1.30.0/${c.file}#L${c.line})`;
}

function changeRow(c: PlanChange): string {
  const what = `${c.warning ? '⚠️ ' : ''}${c.why}${c.fix && (c.effect === 'manual-restart' || c.effect === 'refused' || c.warning) ? ` **Fix:** ${c.fix}` : ''}`;
  return `| \`${md(c.field)}\` | ${ICON[c.effect]} ${LABEL[c.effect]} | ${md(what)} | ${[...c.cite.map(link), ...(c.rule ? [md(c.rule)] : [])].join(' ')} |`;
}

function objectSection(p: ObjectPlan): string[] {
  const out = [`### ${ICON[p.effect]} \`${p.id}\`: ${p.action}, ${LABEL[p.effect]}`, ''];
  if (p.changes.length) {
    out.push('| field | effect | what CloudNativePG does | source |', '|---|---|---|---|');
    for (const c of p.changes) out.push(changeRow(c));
    out.push('');
  }
  if (p.rollout) {
    out.push(
      `**Rollout** (${p.rollout.instances} instance(s), \`${p.rollout.primaryUpdateStrategy}\`, \`${p.rollout.primaryUpdateMethod}\`):`,
      '',
    );
    p.rollout.steps.forEach((s, i) => {
      out.push(`${i + 1}. ${s}`);
    });
    out.push('');
  }
  if (p.statements?.length) {
    out.push('**SQL** (on the primary):', '');
    for (const s of p.statements)
      out.push(
        `- \`${md(s.sql)}\`${s.when ? ` — ${md(s.when)}` : ''}${s.check ? ` — ${s.check.status === 'ok' ? '✅' : s.check.status === 'not-checked' ? '❔' : '❌'} ${md(s.check.reason)}` : ''}`,
      );
    out.push('');
  }
  if (p.restarts?.length) out.push(`Restarts: ${p.restarts.map((r) => `\`${r}\``).join(', ')}`, '');
  return out;
}

/** The plan as Markdown (a pull-request comment). */
export function renderMarkdown(plan: ChangePlan): string {
  const s = plan.summary;
  const out = [
    '## What CloudNativePG will do with this change',
    '',
    `| restarts instances | needs a manual restart | refused |`,
    '|---|---|---|',
    `| ${s.restart ? '🔁 yes' : 'no'} | ${s.manualRestart ? '⚠️ yes' : 'no'} | ${s.refused ? '⛔ yes' : 'no'} |`,
    '',
    summaryLine(plan),
    '',
  ];
  for (const p of changed(plan)) out.push(...objectSection(p));
  out.push(`<sub>cnpg-constructs plan, CloudNativePG ${plan.operatorVersion}</sub>`, '');
  return out.join('\n');
}
