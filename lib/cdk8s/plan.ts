// The plan at synth: what CloudNativePG will do with the app's new output, against the previous one (a copy of
// the last dist/, or `kubectl get -o yaml` of the live objects). Opt-in: call planSynth(app) before synthesize(app),
// and give it the previous output (the option, or CNPG_PLAN).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, type App } from 'cdk8s';
import type { KubeObject } from '../core/operator-manifest';
import {
  type ChangePlan,
  type FailOn,
  manualRestartClusters,
  planChanges,
  planFails,
  RESTART_ANNOTATION,
  renderMarkdown,
  renderText,
} from '../core/plan';

/** Options of {@link planSynth}; each defaults to an environment variable, so that CI can turn the plan on. */
export interface PlanSynthOptions {
  /**
   * The previous output: a directory (walked for *.yaml) or a file of YAML. cdk8s-cli empties its output before a
   * run, so point this at a copy (the last release's dist/, `git worktree` of main) or at the live objects.
   * @default process.env.CNPG_PLAN; when neither is set there is no plan
   */
  readonly previous?: string;
  /**
   * Write the plan as Markdown (a pull-request comment) to this file.
   * @default process.env.CNPG_PLAN_MARKDOWN; none
   */
  readonly markdown?: string;
  /**
   * Fail the synth (throw) when the plan has any of these.
   * @default process.env.CNPG_PLAN_FAIL_ON (comma-separated); none
   */
  readonly failOn?: readonly FailOn[];
  /**
   * Set `kubectl.kubernetes.io/restartedAt` (now) on each Cluster with a change that needs a restart CNPG does not
   * perform (an extension's ld_library_path, bin_path or env), so that the apply restarts it.
   * @default process.env.CNPG_PLAN_STAMP_RESTART === '1'
   */
  readonly stampRestart?: boolean;
  /**
   * Where the text plan goes; false for nowhere.
   * @default standard error
   */
  readonly log?: ((text: string) => void) | false;
}

/** Thrown by {@link planSynth} when the plan has a `failOn` category: nothing has been written. */
export class PlanFailedError extends Error {
  constructor(
    readonly plan: ChangePlan,
    readonly categories: readonly FailOn[],
  ) {
    super(`the plan has ${categories.join(', ')} (failOn): nothing was synthesized.\n${renderText(plan)}`);
    this.name = 'PlanFailedError';
  }
}

const FAIL_ON: readonly FailOn[] = ['restart', 'manual-restart', 'refused'];

function failOnFromEnv(v: string | undefined): FailOn[] {
  const list = (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((f) => !(FAIL_ON as readonly string[]).includes(f));
  if (bad.length) throw new Error(`CNPG_PLAN_FAIL_ON: ${bad.join(', ')} is not one of ${FAIL_ON.join(', ')}`);
  return list as FailOn[];
}

function rendered(app: App): KubeObject[] {
  return app.charts.flatMap((c) => c.toJson()) as KubeObject[];
}

/**
 * The plan of the app's output against the previous one, or undefined when no previous output is given. Call it
 * before `synthesize(app)` (it writes nothing): it logs the plan, writes the Markdown, stamps restarts and throws
 * {@link PlanFailedError} as the options (or CNPG_PLAN_*) say. The plan is offline: `cnpg-constructs plan` on the
 * two outputs also reads the extension images for each update path.
 */
export async function planSynth(app: App, options: PlanSynthOptions = {}): Promise<ChangePlan | undefined> {
  const previous = options.previous ?? process.env.CNPG_PLAN;
  if (!previous) return undefined;
  const cwd = process.cwd();
  if (!fs.existsSync(path.resolve(cwd, previous))) throw new Error(`CNPG_PLAN: the previous output ${previous} does not exist`);
  // Loaded on use: the YAML reader is not needed by an app that does not plan.
  const { expandInputs, readDocuments } = await import('../cli/inputs');
  const io = { stdin: async () => '', stdout: () => undefined, stderr: () => undefined, cwd };
  const before = (await readDocuments(expandInputs([previous], cwd), io)).documents.map((d) => d.object);
  let plan = planChanges(before, rendered(app));
  if (options.stampRestart ?? process.env.CNPG_PLAN_STAMP_RESTART === '1') {
    const at = new Date().toISOString();
    const ids = new Set(manualRestartClusters(plan));
    for (const c of app.node.findAll()) {
      if (!ApiObject.isApiObject(c) || c.kind !== 'Cluster') continue;
      if (ids.has(`Cluster/${c.metadata.namespace ?? 'default'}/${c.name}`)) c.metadata.addAnnotation(RESTART_ANNOTATION, at);
    }
    if (ids.size) plan = planChanges(before, rendered(app));
  }
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  if (log) log(renderText(plan));
  const markdown = options.markdown ?? process.env.CNPG_PLAN_MARKDOWN;
  if (markdown) fs.writeFileSync(path.resolve(cwd, markdown), renderMarkdown(plan));
  const failed = planFails(plan, options.failOn ?? failOnFromEnv(process.env.CNPG_PLAN_FAIL_ON));
  if (failed.length) throw new PlanFailedError(plan, failed);
  return plan;
}
