// Every check of the cdk8s front end is a construct validation (`node.addValidation`), so plain `app.synth()`,
// `cdk8s synth` and `synthesize(app)` report every problem, each at the construct it is about, before anything is
// written: cdk8s' App.synth() runs every construct's node.validate() first (cdk8s lib/app.js, `validate`). What a
// construct's props get wrong is thrown at construction, as cdk8s-plus does; what needs the whole app is checked
// here, all at once: the same object or file claimed twice, every object whose CRD the library holds against that
// CRD (schema and CEL rules, escape hatches included: the object as it is rendered), CNPG's admission rules over
// every such object (admissionFindings), and the warnings of the props. The app validates its root first: that
// validation runs the checks (reusing the last run when nothing changed: cdk8s validates the app once more per
// chart), prints the warnings and gives each construct with findings a validation of its own, which cdk8s runs
// later in the same pass (the tree is validated in pre-order) and reports with the construct's path.
import { ApiObject, type App, ImplicitTokenResolver, type JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import {
  admissionFindings,
  DEFAULT_OPERATOR_VERSION,
  type Finding,
  formatProblem,
  isError,
  type KubeObject,
  OperatorManifest,
  validateObject,
} from '../core';
import { crdProblems } from '../core/validator';
import { hasCrdFor } from '../core/crds';
import { ImageLockResolver } from './image-lock';
import { type Claim, duplicateClaims } from './uniqueness';

/**
 * How a class of this library's constructs takes part in the checks (one object per class: constructs pay only for
 * their registration). @internal
 */
export interface CheckedKind<T extends IConstruct = IConstruct> {
  /** The findings of its props that did not stop its construction (warnings). */
  findings?(c: T): readonly Finding[];
  /** The ApiObject it renders (itself, or a child), when its kind has a CRD the library holds. */
  api?(c: T): ApiObject;
  /**
   * The object as it was built: checked as it is when synth changes none of its values (no JSON patch, no resolver
   * but cdk8s' own and the image lock's); otherwise the object is rendered for the checks.
   */
  built?(c: T): KubeObject | undefined;
  /** Whether JSON patches change the object (without this method: assume they may). */
  patched?(c: T): boolean;
  /** The prop a path in its object comes from, when one does (`.spec.instances` is `instances`). */
  propOf?(path: string): string | undefined;
  /** Names it claims, of which the app may hold one (an object's name in a namespace, a file). */
  claims?(c: T): readonly Claim[];
  /** Findings that need the whole app (every construct of it, in tree order). */
  appFindings?(c: T, all: readonly IConstruct[]): readonly Finding[];
  /** The CNPG operator it installs or stands for: the app's objects are checked against its release's CRDs. */
  operator?(c: T): { readonly version: string; readonly manifest?: OperatorManifest };
}

/**
 * An ApiObject this library builds (a `Cluster`, a `Database`): the checks read the object as built, without
 * rendering it, until a JSON patch changes it. @internal
 */
export abstract class BuiltApiObject extends ApiObject {
  private patched = false;

  protected constructor(
    scope: Construct,
    id: string,
    /** The object as built. */
    protected readonly built: KubeObject,
  ) {
    super(scope, id, built);
  }

  /** Applies JSON patches to the rendered object (see cdk8s' ApiObject); the checks then read the rendered object. */
  public override addJsonPatch(...ops: JsonPatch[]): void {
    super.addJsonPatch(...ops);
    this.patched = true;
    changed(this);
  }

  /** How such objects take part in the checks, with what their class adds. */
  protected static checksWith<T extends BuiltApiObject>(kind: CheckedKind<T>): CheckedKind<T> {
    return { api: (c) => c, built: (c) => c.built, patched: (c) => c.patched, ...kind };
  }
}

/** Options of the checks of an app. */
export interface CnpgChecksOptions {
  /**
   * Make every warning an error: synth fails on it.
   * @default - false, unless the environment sets CNPG_CONSTRUCTS_STRICT=1
   */
  readonly strict?: boolean;
  /**
   * Where synth prints the warnings (one line each: the construct path, the code, the field, what is wrong and the
   * fix); `false` for nowhere. The findings stay readable with {@link CnpgChecks.of}.
   * @default - standard error, unless the environment sets CNPG_CONSTRUCTS_QUIET=1
   */
  readonly log?: ((line: string) => void) | false;
  /**
   * Check every object whose CRD the library holds against it (schema and CEL rules). Turn off only for objects
   * the CRDs of the targeted operator do not describe yet.
   * @default true
   */
  readonly crds?: boolean;
}

/** One run of the checks over an app. */
interface Run {
  /** Every construct of the app, in tree order, and the object each checked one rendered. */
  readonly all: readonly IConstruct[];
  readonly objects: ReadonlyMap<IConstruct, { readonly object: KubeObject; readonly json?: string }>;
  readonly findings: ReadonlyMap<IConstruct, readonly Finding[]>;
  printed: boolean;
}

interface AppState {
  readonly members: Map<IConstruct, CheckedKind>;
  /** Constructs given a validation that reports their findings (those that had any). */
  readonly validated: WeakSet<IConstruct>;
  options: CnpgChecksOptions;
  /** The run of the current validation pass, until something this library sees changes. */
  current?: Run;
  last?: Run;
}

const apps = new WeakMap<IConstruct, AppState>();
const NONE: readonly Finding[] = Object.freeze([]);

function stateOf(scope: IConstruct): AppState {
  const root = scope.node.root;
  let state = apps.get(root);
  if (!state) {
    const created: AppState = { members: new Map(), validated: new WeakSet(), options: {} };
    state = created;
    apps.set(root, state);
    // The app validates its root before any other construct: there the checks run, once per pass.
    root.node.addValidation({
      validate: () => {
        created.current = run(root, created);
        if (!created.current.printed) {
          created.current.printed = true;
          printWarnings(created);
        }
        return [];
      },
    });
  }
  return state;
}

/** A construct's validation: its findings of the app's checks. */
class ConstructValidation {
  constructor(
    private readonly state: AppState,
    private readonly construct: IConstruct,
  ) {}

  public validate(): string[] {
    return messages(this.state, this.construct);
  }
}

/**
 * Makes `construct` take part in the checks of its app (it gets a validation of its own when it has findings: most
 * never do, and pay nothing more). @internal
 */
export function registerChecks<T extends IConstruct>(construct: T, kind: CheckedKind<T>): void {
  const state = stateOf(construct);
  state.members.set(construct, kind as CheckedKind);
  state.current = undefined;
}

/** Tells the checks that something they read of `construct` changed (a JSON patch). @internal */
export function changed(construct: IConstruct): void {
  const state = apps.get(construct.node.root);
  if (state) state.current = undefined;
}

function isStrict(state: AppState): boolean {
  return state.options.strict ?? process.env.CNPG_CONSTRUCTS_STRICT === '1';
}

/** What a construct's validation returns to cdk8s: its errors (its warnings too when strict), one line each. */
function messages(state: AppState, construct: IConstruct): string[] {
  state.current ??= run(construct.node.root, state);
  const found = state.current.findings.get(construct);
  if (!found) return [];
  const strict = isStrict(state);
  return found.filter((f) => strict || isError(f)).map((f) => `${f.code}: ${formatProblem(f)}`);
}

function printWarnings(state: AppState): void {
  if (isStrict(state)) return;
  const log =
    state.options.log ?? (process.env.CNPG_CONSTRUCTS_QUIET === '1' ? false : (line: string) => process.stderr.write(`${line}\n`));
  if (log === false) return;
  for (const found of (state.current as Run).findings.values())
    for (const f of found) if (!isError(f)) log(`warning [${f.where}] ${f.code}: ${formatProblem(f)}`);
}

/** Resolvers that change no value of an object as this library builds it (cdk8s' own, and the image lock's pins). */
function rendersAsBuilt(root: IConstruct): boolean {
  const resolvers = (root as App).resolvers ?? [];
  return resolvers.every(
    (r) =>
      r instanceof LazyResolver ||
      r instanceof ImplicitTokenResolver ||
      r instanceof NumberStringUnionResolver ||
      r instanceof ImageLockResolver,
  );
}

/** The checked objects of the app now: this library's as their constructs give them, any other as it renders. */
function objectsOf(
  all: readonly IConstruct[],
  state: AppState,
  asBuilt: boolean,
): Map<IConstruct, { readonly object: KubeObject; readonly json?: string }> {
  const owned = new Set<IConstruct>();
  for (const [c, m] of state.members) if (m.api && m.api(c) !== c) owned.add(m.api(c));
  const out = new Map<IConstruct, { object: KubeObject; json?: string }>();
  const rendered = (api: ApiObject) => {
    const object = api.toJson() as KubeObject;
    return { object, json: JSON.stringify(object) };
  };
  for (const c of all) {
    const member = state.members.get(c);
    if (member?.api) {
      const built = asBuilt && member.patched?.(c) === false ? member.built?.(c) : undefined;
      out.set(c, built ? { object: built } : rendered(member.api(c)));
    } else if (!member && !owned.has(c) && ApiObject.isApiObject(c) && hasCrdFor({ apiVersion: c.apiVersion, kind: c.kind })) {
      out.set(c, rendered(c));
    }
  }
  return out;
}

function sameInputs(
  last: Run,
  all: readonly IConstruct[],
  objects: ReadonlyMap<IConstruct, { object: KubeObject; json?: string }>,
): boolean {
  if (last.all.length !== all.length || last.objects.size !== objects.size) return false;
  for (let i = 0; i < all.length; i++) if (last.all[i] !== all[i]) return false;
  for (const [c, now] of objects) {
    const before = last.objects.get(c);
    if (!before || (before.object !== now.object && (before.json === undefined || before.json !== now.json))) return false;
  }
  return true;
}

const manifests = new Map<string, OperatorManifest>();

/** The release manifest whose CRDs the app's objects are checked against: its CnpgOperator's, else the default. */
function manifestOf(all: readonly IConstruct[], state: AppState): OperatorManifest {
  let operator: ReturnType<NonNullable<CheckedKind['operator']>> | undefined;
  for (const c of all) {
    operator = state.members.get(c)?.operator?.(c);
    if (operator) break;
  }
  if (operator?.manifest) return operator.manifest;
  const version = operator?.version ?? DEFAULT_OPERATOR_VERSION;
  const key = `${version}\u0000${process.env.CNPG_OPERATOR_MANIFEST ?? ''}`;
  let m = manifests.get(key);
  if (!m) {
    m = OperatorManifest.load(version);
    manifests.set(key, m);
  }
  return m;
}

/** Runs every check of the app (or reuses the last run, when no construct or checked object changed). */
function run(root: IConstruct, state: AppState): Run {
  const all = root.node.findAll();
  const objects = objectsOf(all, state, rendersAsBuilt(root));
  if (state.last && sameInputs(state.last, all, objects)) return state.last;
  const findings = new Map<IConstruct, Finding[]>();
  const add = (c: IConstruct, f: Finding) => {
    let list = findings.get(c);
    if (!list) {
      list = [];
      findings.set(c, list);
    }
    if (!list.some((x) => x.code === f.code && x.field === f.field && x.severity === f.severity)) list.push({ ...f, where: c.node.path });
  };
  const claimers: { construct: IConstruct; claims: readonly Claim[] }[] = [];
  for (const c of all) {
    const m = state.members.get(c);
    if (!m) continue;
    for (const f of m.findings?.(c) ?? NONE) add(c, f);
    for (const f of m.appFindings?.(c, all) ?? NONE) add(c, f);
    if (m.claims) claimers.push({ construct: c, claims: m.claims(c) });
  }
  for (const [c, found] of duplicateClaims(claimers)) for (const f of found) add(c, f);
  if (objects.size > 0) checkObjects(all, objects, state, add);
  // In tree order, as cdk8s reports them; each construct with findings reports them through a validation of its own.
  const ordered = new Map<IConstruct, readonly Finding[]>();
  if (findings.size > 0)
    for (const c of all) {
      if (!findings.has(c)) continue;
      ordered.set(c, findings.get(c) as Finding[]);
      if (!state.validated.has(c)) {
        state.validated.add(c);
        c.node.addValidation(new ConstructValidation(state, c));
      }
    }
  const out: Run = { all, objects, findings: ordered, printed: false };
  state.last = out;
  return out;
}

/** Every checked object against its CRD and CNPG's admission rules; findings go to the construct that rendered it. */
function checkObjects(
  all: readonly IConstruct[],
  objects: ReadonlyMap<IConstruct, { readonly object: KubeObject }>,
  state: AppState,
  add: (c: IConstruct, f: Finding) => void,
): void {
  const manifest = manifestOf(all, state);
  const byObject = new Map<KubeObject, IConstruct>();
  const field = (c: IConstruct, path: string) => state.members.get(c)?.propOf?.(path) ?? path;
  const fix = 'check the props and any escape hatch (addJsonPatch, a hand-built ApiObject) that changed this object';
  for (const [c, { object }] of objects) {
    byObject.set(object, c);
    if (state.options.crds === false) continue;
    const errors = validateObject(object, manifest);
    for (const p of crdProblems(errors, manifest, fix, object)) add(c, { ...p, field: field(c, p.field) });
  }
  for (const f of admissionFindings([...byObject.keys()], { operatorVersion: manifest.version })) {
    const c = byObject.get(f.object);
    if (!c) continue;
    const { object: _o, where: _w, ...finding } = f;
    add(c, { ...finding, field: field(c, f.field) });
  }
}

/**
 * The checks of an app, as code reads them (as aws-cdk's `Annotations` let tests read a stack's warnings): every
 * finding of the constructs at and below a scope, each with its construct path in `where`.
 *
 * @example
 * const found = CnpgChecks.of(app);
 * expect(found.warnings.map((w) => w.code)).toEqual(['image-version-unknown']);
 */
export class CnpgChecks {
  /** Sets how the checks of `scope`'s app behave (strictness, where warnings go, CRD validation). */
  public static configure(scope: IConstruct, options: CnpgChecksOptions): void {
    const state = stateOf(scope);
    state.options = { ...state.options, ...options };
    state.current = undefined;
    state.last = undefined;
  }

  /** Runs the checks of `scope`'s app now, as synth does, and returns the findings at and below `scope`. */
  public static of(scope: IConstruct): CnpgChecks {
    const state = stateOf(scope);
    state.current = run(scope.node.root, state);
    const prefix = scope.node.path;
    const findings: Finding[] = [];
    for (const [c, found] of state.current.findings) {
      const p = c.node.path;
      if (prefix === '' || p === prefix || p.startsWith(`${prefix}/`)) findings.push(...found);
    }
    return new CnpgChecks(findings);
  }

  private constructor(
    /** Every finding, errors and warnings, in tree order (`where` is the construct path). */
    public readonly findings: readonly Finding[],
  ) {}

  /** The findings that stop synth. */
  public get errors(): readonly Finding[] {
    return this.findings.filter(isError);
  }

  /** The findings that synth prints and goes on (unless strict). */
  public get warnings(): readonly Finding[] {
    return this.findings.filter((f) => !isError(f));
  }
}
