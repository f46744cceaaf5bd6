// Measures `ghenv proxy` (bench/run.sh): the latency it adds over a direct
// request to a GitHub look-alike on loopback (p50, p99), 200 concurrent
// requests, and its peak memory; beside Vite's dev-server proxy
// (`server.proxy`) doing the same forwarding with the token in its config.
// Usage: node proxy_bench.mjs GHENV PROJECT_DIR VITE_MODULE_PATH  (prints JSON)
import http from 'node:http';
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [ghenv, project, viteModule] = process.argv.slice(2);
const { createServer } = await import(viteModule);

const BODY = JSON.stringify({
  data: {
    viewer: { login: 'octocat', name: 'The Octocat' },
    rateLimit: { limit: 5000, remaining: 4999, resetAt: '2030-01-01T00:00:00Z' },
  },
});
const upstream = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'x-oauth-scopes': 'repo, admin:org, notifications, user',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'content-length': Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
});
upstream.keepAliveTimeout = 60_000;
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const direct = `http://127.0.0.1:${upstream.address().port}/graphql`;

// ghenv proxy, on an ephemeral port it names on stderr.
const proxy = spawn(ghenv, ['proxy', '--port', '0', '--endpoint', direct], {
  cwd: project,
  stdio: ['ignore', 'ignore', 'pipe'],
});
const ghenvUrl = await new Promise((resolve, reject) => {
  let text = '';
  proxy.stderr.on('data', (d) => {
    text += d;
    const m = text.match(/Proxy on (http:\/\/127\.0\.0\.1:\d+\/graphql)/);
    if (m) resolve(m[1]);
  });
  proxy.on('exit', () => reject(new Error(text)));
});
proxy.stderr.resume();

// Vite's dev server forwarding /graphql, the way a student would set it up.
const vite = await createServer({
  root: mkdtempSync(join(tmpdir(), 'vite-proxy-')),
  logLevel: 'silent',
  configFile: false,
  server: {
    port: 0,
    host: '127.0.0.1',
    proxy: {
      '/graphql': {
        target: direct,
        changeOrigin: true,
        headers: { authorization: 'bearer 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' },
        rewrite: () => '/graphql',
      },
    },
  },
});
await vite.listen();
const viteUrl = `http://127.0.0.1:${vite.httpServer.address().port}/graphql`;

const QUERY = JSON.stringify({ query: 'query Viewer { viewer { login } }' });
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(url) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(QUERY);
  });
}

async function latencies(url, n) {
  for (let i = 0; i < 100; i++) await post(url);
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await post(url);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  out.sort((a, b) => a - b);
  return { p50: out[Math.floor(n * 0.5)], p99: out[Math.floor(n * 0.99)] };
}

async function concurrent(url, n) {
  const results = await Promise.allSettled(Array.from({ length: n }, () => post(url)));
  return results.filter((r) => r.status === 'rejected').length;
}

const N = 2000;
const out = {
  direct: await latencies(direct, N),
  ghenv: await latencies(ghenvUrl, N),
  vite: await latencies(viteUrl, N),
  concurrent: 200,
  ghenv_errors: await concurrent(ghenvUrl, 200),
  vite_errors: await concurrent(viteUrl, 200),
};
const status = readFileSync(`/proc/${proxy.pid}/status`, 'utf8');
out.ghenv_peak_kib = Number(status.match(/VmHWM:\s+(\d+)/)[1]);
process.stdout.write(JSON.stringify(out, null, 2));

proxy.kill('SIGTERM');
await vite.close();
upstream.close();
agent.destroy();
process.exit(0);
