// Drives the REAL Pulumi dynamic-provider host (@pulumi/pulumi/cmd/dynamic-provider) over gRPC,
// with the provider serialized exactly as `pulumi.dynamic.Resource` serializes it. What the engine
// would do between calls (olds = previous outputs, __provider in every property bag) is emulated here.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as pulumi from '@pulumi/pulumi';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';

/** URN of the one resource every request is about. */
const URN = 'urn:pulumi:test::cnpg::pulumi-nodejs:dynamic/cnpg:PostgresExtensions::x';

const provrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');
const proto = require('@pulumi/pulumi/proto/provider_pb');

export type Props = Record<string, unknown>;

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: 'none' | 'some' | 'unknown';
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The gRPC error the host returned (code 2 = UNKNOWN for a thrown provider error). */
export class HostError extends Error {
  constructor(
    message: string,
    public readonly code: number,
  ) {
    super(message);
  }
}

/**
 * Property values as the engine sends them to this provider: the host answers Configure with
 * acceptSecrets=false, so the engine unwraps secrets (`{ <sig>: <secret sig>, value }`) before it calls it.
 */
export function asEngineSends(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asEngineSends);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return asEngineSends(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, asEngineSends(v)]));
}

function strip(p: Props): Props {
  const { __provider, ...rest } = p;
  return rest;
}

export class ProviderHost {
  /** Serializes `provider` as `pulumi.dynamic.Resource` does, and starts the host in this repository. */
  public static async start(provider: pulumi.dynamic.ResourceProvider): Promise<ProviderHost> {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return ProviderHost.fromText(serialized.text);
  }

  /**
   * Starts the dynamic-provider host of a project (`cwd`, default this repository) on a provider text, e.g.
   * the `__provider` that Pulumi serialized in another project. Modules the text requires resolve from `cwd`,
   * as when the Pulumi engine starts `pulumi-resource-pulumi-nodejs` in a project directory.
   */
  public static async fromText(text: string, opts: { cwd?: string } = {}): Promise<ProviderHost> {
    const cwd = opts.cwd ?? path.resolve(__dirname, '..', '..');
    const hostScript = require.resolve('@pulumi/pulumi/cmd/dynamic-provider', { paths: [cwd] });
    const child = spawn(process.execPath, [hostScript, '127.0.0.1:1'], {
      cwd,
      env: { ...process.env, PULUMI_NODEJS_PROJECT: 'cnpg-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n')[0];
        if (buf.includes('\n')) resolve(Number(line.trim()));
      });
      child.once('exit', (code) => reject(new Error(`provider host exited with ${code}: ${stderr}`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, text, () => stderr);
  }

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void>,
    /** The serialized provider: what Pulumi stores in state as __provider. */
    public readonly providerText: string,
    /** Everything the host printed on stderr (its logs). */
    public readonly stderr: () => string,
  ) {}

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method].call(this.client, req, (err, res) => {
        if (err) reject(new HostError(err.details || err.message, err.code));
        else resolve(res as T);
      });
    });
  }

  private struct(p: Props, withProvider = true): unknown {
    return Struct.fromJavaScript((withProvider ? { ...p, __provider: this.providerText } : p) as never);
  }

  /** check → create, as the engine does (a check failure fails the call, naming the failures). */
  public async up(news: Props): Promise<{ id: string; outs: Props }> {
    const checked = await this.check({}, news);
    if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    return this.create(checked.inputs);
  }

  /** check → update with olds = the previous outputs, as the engine does (a check failure fails the call). */
  public async change(id: string, olds: Props, news: Props): Promise<Props> {
    const checked = await this.check(olds, news);
    if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    return this.update(id, olds, checked.inputs);
  }

  public async check(olds: Props, news: Props): Promise<CheckResult> {
    const req = new proto.CheckRequest();
    req.setUrn(URN);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    const res = await this.call<{
      getInputs(): { toJavaScript(): Props };
      getFailuresList(): { getProperty(): string; getReason(): string }[];
    }>('check', req);
    return {
      inputs: strip(res.getInputs()?.toJavaScript() ?? {}),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  public async diff(id: string, olds: Props, news: Props): Promise<DiffResult> {
    const req = new proto.DiffRequest();
    req.setId(id);
    req.setUrn(URN);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    const res = await this.call<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>('diff', req);
    return {
      changes: (['unknown', 'none', 'some'] as const)[res.getChanges()],
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  public async create(inputs: Props): Promise<{ id: string; outs: Props }> {
    const req = new proto.CreateRequest();
    req.setUrn(URN);
    req.setProperties(this.struct(inputs));
    const res = await this.call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>('create', req);
    return { id: res.getId(), outs: strip(res.getProperties().toJavaScript()) };
  }

  public async read(id: string, props: Props): Promise<{ id: string; props: Props }> {
    const req = new proto.ReadRequest();
    req.setId(id);
    req.setUrn(URN);
    req.setProperties(this.struct(props));
    const res = await this.call<{ getId(): string; getProperties(): { toJavaScript(): Props } | undefined }>('read', req);
    return { id: res.getId(), props: strip(res.getProperties()?.toJavaScript() ?? {}) };
  }

  public async update(id: string, olds: Props, news: Props): Promise<Props> {
    const req = new proto.UpdateRequest();
    req.setId(id);
    req.setUrn(URN);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    const res = await this.call<{ getProperties(): { toJavaScript(): Props } }>('update', req);
    return strip(res.getProperties().toJavaScript());
  }

  public async delete(id: string, props: Props): Promise<void> {
    const req = new proto.DeleteRequest();
    req.setId(id);
    req.setUrn(URN);
    req.setProperties(this.struct(props));
    await this.call('delete', req);
  }

  public stop(): void {
    this.client.close?.call(this.client, undefined, () => undefined);
    this.child.kill();
  }
}

/** How the provider reaches a test server: 127.0.0.1 over plain TCP, as its superuser. */
export function connectionTo(server: { host: string; port: number; user: string; password: string }): Props {
  return { host: server.host, port: server.port, user: server.user, password: server.password, sslMode: 'disable' };
}

/** The HostError a provider call failed with; fails the test when the call succeeded. */
export async function hostFailure(p: Promise<unknown>): Promise<HostError> {
  const e = await p.then(
    () => undefined,
    (err: HostError) => err,
  );
  if (!e) throw new Error('expected a failure');
  return e;
}
