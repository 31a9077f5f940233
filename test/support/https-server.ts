import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selfSigned } from './tls';

// The server runs in its own process: the manifest download is synchronous (spawnSync), which
// would block a server living in the test's own event loop.
const SERVER = `
const https = require('node:https');
const fs = require('node:fs');
const [key, cert, routesFile, hitsFile] = process.argv.slice(1);
const routes = JSON.parse(fs.readFileSync(routesFile, 'utf8'));
const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
  fs.appendFileSync(hitsFile, req.url + '\\n');
  const file = routes[req.url];
  if (!file) { res.writeHead(404).end('not found'); return; }
  if (file.startsWith('redirect:')) { res.writeHead(302, { location: file.slice('redirect:'.length) }).end(); return; }
  res.writeHead(200, { 'content-type': 'application/yaml' }).end(fs.readFileSync(file));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
`;

/** A route answered with a 302 to `location` instead of a body. */
export interface Redirect {
  readonly redirect: string;
}

/** A local HTTPS server (separate process) with a throw-away certificate, serving files (or redirects) by path. */
export async function startHttpsServer(
  routes: Record<string, Buffer | string | Redirect>,
): Promise<{ url: string; caFile: string; hits: () => string[]; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-https-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  selfSigned(key, cert, '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  const files: Record<string, string> = {};
  Object.entries(routes).forEach(([route, body], i) => {
    if (typeof body === 'object' && 'redirect' in body) {
      files[route] = `redirect:${body.redirect}`;
      return;
    }
    files[route] = path.join(dir, `body-${i}`);
    fs.writeFileSync(files[route], body);
  });
  const routesFile = path.join(dir, 'routes.json');
  const hitsFile = path.join(dir, 'hits.log');
  fs.writeFileSync(routesFile, JSON.stringify(files));
  fs.writeFileSync(hitsFile, '');
  const child = spawn(process.execPath, ['-e', SERVER, key, cert, routesFile, hitsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`https server exited with ${code}`)));
  });
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: cert,
    hits: () => fs.readFileSync(hitsFile, 'utf8').split('\n').filter(Boolean),
    close: async () => {
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
