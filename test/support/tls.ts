import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A self-signed certificate (openssl, one day): `<keyFile>` and `<certFile>` written; `extra` e.g. `-addext subjectAltName=...`. */
export function selfSigned(keyFile: string, certFile: string, subject: string, ...extra: string[]): void {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', subject, ...extra],
    {
      stdio: 'ignore',
    },
  );
}

/**
 * A throw-away CA and a server certificate it signed (openssl), by default for 127.0.0.1 / localhost;
 * `subjectAltName` sets other names, e.g. CNPG's `DNS:angus-rw,DNS:angus-rw.default,DNS:angus-rw.default.svc`.
 */
export function makeCertificates(subjectAltName = 'IP:127.0.0.1,DNS:localhost'): {
  ca: string;
  cert: string;
  key: string;
  otherCa: string;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-tls-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  selfSigned(f('ca.key'), f('ca.crt'), '/CN=cnpg-test-ca');
  selfSigned(f('other.key'), f('other.crt'), '/CN=someone-else');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(f('ext.cnf'), `subjectAltName=${subjectAltName}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    '-days',
    '1',
    '-extfile',
    f('ext.cnf'),
  );
  const out = {
    ca: fs.readFileSync(f('ca.crt'), 'utf8'),
    cert: fs.readFileSync(f('server.crt'), 'utf8'),
    key: fs.readFileSync(f('server.key'), 'utf8'),
    otherCa: fs.readFileSync(f('other.crt'), 'utf8'),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
