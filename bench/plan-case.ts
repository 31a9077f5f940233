// Plan N cluster + database pairs (and their databases' extension updates) without registry access, in a fresh
// process: node build/bench/plan-case.js <plan|diff> <N>. "plan" is planChanges over the two sets; "diff" the
// baseline: the structural diff of the same objects (every changed leaf), what a YAML diff computes.
import { planChanges } from '../lib/core/plan';
import { changedLeaves } from '../lib/core/plan/diff';

const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg);

function objects(version: 'before' | 'after'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const name = `c${i}`;
    const after = version === 'after';
    // A mix of what a fleet change looks like: an image bump, a parameter, a restart CNPG will not do, nothing.
    const kind = i % 4;
    out.push({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name, namespace: `ns${i % 10}` },
      spec: {
        instances: 3,
        imageName: `ghcr.io/cloudnative-pg/postgresql:18.${after && kind === 0 ? 2 : 1}-minimal-trixie`,
        storage: { size: '10Gi' },
        postgresql: {
          parameters: { max_connections: String(100 + (i % 50)), work_mem: after && kind === 1 ? '64MB' : '16MB', shared_buffers: '1GB' },
          extensions: [
            { name: 'pgvector', image: { reference: `ghcr.io/cloudnative-pg/pgvector:0.8.${after && kind === 0 ? 1 : 0}-18-trixie` } },
            {
              name: 'postgis',
              image: { reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie' },
              ld_library_path: ['system'],
              ...(after && kind === 2 ? { env: [{ name: 'PROJ_DATA', value: '${image_root}/share/proj' }] } : {}),
            },
          ],
        },
      },
    });
    out.push({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: `${name}-app`, namespace: `ns${i % 10}` },
      spec: {
        name: 'app',
        owner: 'app',
        cluster: { name },
        extensions: [
          { name: 'vector', version: after && kind === 0 ? '0.8.1' : '0.8.0' },
          { name: 'postgis', version: '3.6.1' },
        ],
      },
    });
  }
  return out;
}

const before = objects('before');
const after = objects('after');
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let work = 0;
if (mode === 'plan') {
  const plan = planChanges(before, after);
  work = plan.objects.length;
  if (plan.summary.counts.update === 0) throw new Error('nothing planned');
} else {
  for (let i = 0; i < before.length; i++) work += changedLeaves(before[i], after[i]).length;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024, work }));
