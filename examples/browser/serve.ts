// A static file server for the built page, on loopback only (the page fetches its artifacts, which a
// file:// page may not do).
//   npx tsx examples/browser/serve.ts [DIR] [--port N]     (DIR defaults to .tmp/browser-example)
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the files under `dir` on 127.0.0.1 (port 0: any free port), GET only, never outside `dir`. */
export function serveDirectory(dir: string, port = 0): Promise<StaticServer> {
  const rootDir = resolve(dir);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(rootDir, path.endsWith('/') ? `${path}index.html` : path));
    if (request.method !== 'GET' || !file.startsWith(rootDir + sep)) {
      response.writeHead(request.method !== 'GET' ? 405 : 403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      ready({
        url: `http://127.0.0.1:${bound}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    options: { port: { type: 'string', default: '8080' } },
    allowPositionals: true,
    strict: true,
  });
  const dir = positionals[0] ?? fileURLToPath(new URL('../../.tmp/browser-example', import.meta.url));
  const server = await serveDirectory(dir, Number(values.port));
  console.log(`serving ${dir} at ${server.url} (Ctrl-C to stop)`);
}
