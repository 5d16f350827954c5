// `npm run demo`: builds the demo with esbuild, then serves it on 127.0.0.1
// with the two headers that make the page cross-origin isolated (without
// them the browser hides SharedArrayBuffer). PORT picks the port (default
// 8080; 0 for any free one). Needs the package built first (npm run build).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
  console.error('demo: dist/ is missing; run `npm run build` first (`npm run demo` does).');
  process.exit(1);
}

// Bundle the page and its worker into memory: nothing is written to disk.
const bundle = await build({
  entryPoints: { app: join(here, 'app.ts'), 'bench-worker': join(here, 'bench-worker.ts') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outdir: '/',
  write: false,
  logLevel: 'warning',
});

/** path → [content type, body] */
const files = new Map([
  ['/', ['text/html; charset=utf-8', readFileSync(join(here, 'index.html'))]],
  ['/style.css', ['text/css; charset=utf-8', readFileSync(join(here, 'style.css'))]],
]);
for (const file of bundle.outputFiles) files.set(file.path, ['text/javascript; charset=utf-8', Buffer.from(file.contents)]);

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const file = files.get(path === '/index.html' ? '/' : path);
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': file[0],
    'Cache-Control': 'no-store',
    // Cross-origin isolation: the page and its workers get SharedArrayBuffer.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  res.end(file[1]);
});

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  console.log(`wasmq demo: http://127.0.0.1:${actual}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
