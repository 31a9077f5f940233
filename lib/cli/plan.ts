// `cnpg-constructs plan <before> <after>`: what CloudNativePG will do with the change from one set of objects to
// another, before it is applied. Exit codes: 0 the plan was made (whatever it says), 1 a --fail-on category
// applies, 2 the plan could not be made.
import * as path from 'node:path';
import { DEFAULT_OPERATOR_VERSION } from '../core/compat';
import { checkUpdatePaths, type ImageInspector } from '../images/update-paths';
import { type ChangePlan, type FailOn, planChanges, planFails, renderMarkdown, renderText } from '../core/plan';
import { expandInputs, optionValue, readDocuments, UsageError } from './inputs';
import { PROGRAM, usageError, wantsHelp } from './usage';
import type { CliIo } from './validate';

const SYNOPSIS = `usage: ${PROGRAM} plan [options] <before> <after>`;

const USAGE = `${SYNOPSIS}
  Says what CloudNativePG ${DEFAULT_OPERATOR_VERSION} will do with the change from <before> to <after> (each a YAML file,
  a directory of them, or - for standard input): per object, what changes and whether CNPG rolls or restarts
  the instances (and how it handles the primary), reloads, replaces or only reconfigures, what needs a restart
  CNPG does not perform, what it refuses, and the SQL it runs in each database, with the update path of each
  extension checked in the image it comes from. Compare two synth outputs, or the live objects
  (kubectl get cluster,database,... -o yaml) with a new synth.
options:
  -o, --output text|json|markdown   report format (default text; markdown for a pull-request comment)
  --fail-on <list>                  exit 1 when the plan has any of: restart (CNPG restarts or rolls instances),
                                    manual-restart (a change needs a restart CNPG does not perform),
                                    refused (CNPG refuses a change); comma-separated
  --operator-version <v>            CNPG release the objects target (default ${DEFAULT_OPERATOR_VERSION})
  --no-images                       do not read extension images (update paths are "not checked")
  --insecure-registry host          allow plain HTTP to host[:port] (loopback registries always may); repeatable
  --platform os/arch[/variant]      platform to read images for (default linux/amd64)
  --cache-dir dir                   verified-blob cache (default ~/.cache/cnpg-constructs/blobs)
  -h, --help                        this text
exit code: 0 the plan was made, 1 a --fail-on category applies, 2 the plan could not be made`;

const FAIL_ON: readonly FailOn[] = ['restart', 'manual-restart', 'refused'];

interface Args {
  readonly inputs: string[];
  output: 'text' | 'json' | 'markdown';
  failOn: FailOn[];
  operatorVersion?: string;
  images: boolean;
  insecure: string[];
  platform?: string;
  cacheDir?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { inputs: [], output: 'text', failOn: [], images: true, insecure: [] };
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i];
    const value = () => optionValue(argv, i++);
    if (o === '-o' || o === '--output') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'markdown')
        throw new UsageError(`-o takes text, json or markdown, not ${JSON.stringify(v)}`);
      a.output = v;
    } else if (o === '--fail-on') {
      for (const f of value()
        .split(',')
        .map((s) => s.trim())) {
        if (!(FAIL_ON as readonly string[]).includes(f))
          throw new UsageError(`--fail-on takes ${FAIL_ON.join(', ')}, not ${JSON.stringify(f)}`);
        a.failOn.push(f as FailOn);
      }
    } else if (o === '--operator-version') a.operatorVersion = value();
    else if (o === '--no-images') a.images = false;
    else if (o === '--insecure-registry') a.insecure.push(value());
    else if (o === '--platform') a.platform = value();
    else if (o === '--cache-dir') a.cacheDir = value();
    else if (o.startsWith('-') && o !== '-') throw new UsageError(`unknown option ${o}`);
    else a.inputs.push(o);
  }
  if (a.inputs.length !== 2) throw new UsageError(`name two inputs, <before> and <after> (got ${a.inputs.length})`);
  if (a.inputs[0] === '-' && a.inputs[1] === '-') throw new UsageError('only one of <before> and <after> can be standard input');
  return a;
}

/** An inspector over the registry client of cnpg-constructs/images (loaded only when an update needs it). */
async function registryInspector(a: Args, io: CliIo): Promise<ImageInspector> {
  const [{ inspectImage }, { RegistryClient, parsePlatform }] = await Promise.all([
    import('../images/inspect-image'),
    import('../images/registry'),
  ]);
  const client = new RegistryClient({
    insecureRegistries: a.insecure,
    ...(a.platform ? { platform: parsePlatform(a.platform) } : {}),
    ...(a.cacheDir ? { cacheDir: path.resolve(io.cwd, a.cacheDir) } : {}),
  });
  return (ref, options) => inspectImage(ref, { client, ...options });
}

/** Runs the command; returns the exit code. */
export async function runPlan(argv: readonly string[], io: CliIo): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let a: Args;
  try {
    a = parseArgs(argv);
  } catch (e) {
    return usageError(io, 'plan', (e as Error).message, SYNOPSIS);
  }
  let plan: ChangePlan;
  try {
    const [before, after] = await Promise.all(
      a.inputs.map(async (input) => (await readDocuments(expandInputs([input], io.cwd), io)).documents.map((d) => d.object)),
    );
    plan = planChanges(before, after, { operatorVersion: a.operatorVersion });
    let inspector: Promise<ImageInspector> | undefined;
    const inspect: ImageInspector = async (ref, options) => {
      inspector ??= registryInspector(a, io);
      return (await inspector)(ref, options);
    };
    plan = await checkUpdatePaths(plan, before, after, a.images ? { inspect } : { offlineReason: '--no-images was given' });
  } catch (e) {
    io.stderr(`cnpg-constructs plan: could not make the plan: ${(e as Error).message}\n`);
    return 2;
  }
  io.stdout(a.output === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : a.output === 'markdown' ? renderMarkdown(plan) : renderText(plan));
  const failed = planFails(plan, a.failOn);
  if (failed.length) io.stderr(`cnpg-constructs plan: the plan has ${failed.join(', ')} (--fail-on)\n`);
  return failed.length ? 1 : 0;
}
