// A real HTTP CONNECT proxy on 127.0.0.1 for the proxy tests: it resolves host names from its own table only
// (so a registry name that no resolver knows is reachable through it and nowhere else), optionally demands
// Proxy-Authorization, and records everything it sees: each CONNECT line with its headers, any plain request, and
// every byte it tunnels in either direction (for assertions that no credential passed through it readable).
import * as http from 'node:http';
import * as net from 'node:net';

export interface SeenConnect {
  readonly target: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface TestProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly connects: SeenConnect[];
  /** Requests that were not CONNECT (a client that sent a registry request to the proxy in the clear). */
  readonly plainRequests: { method?: string; url?: string; headers: http.IncomingHttpHeaders }[];
  /** Every byte tunnelled, both directions. */
  tunnelled(): Buffer;
  stop(): Promise<void>;
}

export async function startConnectProxy(
  hosts: Readonly<Record<string, string>>,
  options: { readonly proxyAuthorization?: string } = {},
): Promise<TestProxy> {
  const connects: SeenConnect[] = [];
  const plainRequests: TestProxy['plainRequests'] = [];
  const bytes: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    plainRequests.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(405).end('this proxy only tunnels (CONNECT)');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    connects.push({ target: req.url ?? '', headers: req.headers });
    if (options.proxyAuthorization && req.headers['proxy-authorization'] !== options.proxyAuthorization) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const [name, port] = (req.url ?? '').split(':');
    const address = hosts[name];
    if (!address) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(port), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) {
        bytes.push(Buffer.from(head));
        upstream.write(head);
      }
      client.on('data', (d: Buffer) => bytes.push(Buffer.from(d)));
      upstream.on('data', (d: Buffer) => bytes.push(Buffer.from(d)));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connects,
    plainRequests,
    tunnelled: () => Buffer.concat(bytes),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
