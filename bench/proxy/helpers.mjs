// Load helpers for run.sh: a WebSocket echo server, an echo load, a WebSocket soak, and route registration.
// Node is single-threaded, so each mode measures what one client process can push; the same client is
// used against every proxy, which is what makes the figures comparable.
import http from 'node:http';
import { createRequire } from 'node:module';
const require = createRequire(new URL('./.tools/package.json', import.meta.url));
const { WebSocket, WebSocketServer } = require('ws');

const [mode, ...args] = process.argv.slice(2);

function server(port) {
  const srv = http.createServer((req, res) => { res.end('ok\n'); });
  const wss = new WebSocketServer({ server: srv, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  srv.listen(Number(port), '127.0.0.1', () => console.log(`ws echo on ${port}`));
}

function echo(url, conns, seconds) {
  let count = 0, open = 0, errors = 0, stop = false;
  const payload = Buffer.alloc(64, 'x');
  const sockets = [];
  for (let i = 0; i < conns; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => { open++; ws.send(payload); });
    ws.on('message', () => { count++; if (!stop) ws.send(payload); });
    ws.on('error', () => { errors++; });
    sockets.push(ws);
  }
  // Count only after every socket is open, for a fixed window.
  const started = Date.now();
  const wait = setInterval(() => {
    if (open === conns || Date.now() - started > 10000) {
      clearInterval(wait);
      count = 0;
      const t0 = Date.now();
      setTimeout(() => {
        stop = true;
        const rate = count / ((Date.now() - t0) / 1000);
        console.log(JSON.stringify({ messages_per_s: Math.round(rate), open, errors }));
        sockets.forEach((s) => s.terminate());
        process.exit(0);
      }, seconds * 1000);
    }
  }, 50);
}

function soak(url, conns, seconds) {
  let open = 0, errors = 0, closed = 0, echoed = 0;
  const sockets = [];
  let i = 0;
  // Open gently (100 per 100 ms) so the soak measures holding connections, not a connect storm.
  const opener = setInterval(() => {
    for (let k = 0; k < 100 && i < conns; k++, i++) {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('open', () => { open++; });
      ws.on('message', () => { echoed++; });
      ws.on('error', () => { errors++; });
      ws.on('close', () => { closed++; });
      sockets.push(ws);
    }
    if (i >= conns) clearInterval(opener);
  }, 100);
  const ticker = setInterval(() => {
    sockets.forEach((ws) => { if (ws.readyState === WebSocket.OPEN) ws.send('keepalive'); });
  }, 5000);
  setTimeout(() => {
    clearInterval(ticker);
    console.log(JSON.stringify({ requested: conns, open_at_end: open - closed, errors, echoed }));
    // Keep the sockets open until run.sh has read the proxy's memory, then it kills us.
    if (process.send) process.send('done');
  }, seconds * 1000);
}

async function routes(apiUrl, token, count, target) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const t0 = process.hrtime.bigint();
  let next = 0, failed = 0;
  async function worker() {
    while (next < count) {
      const n = next++;
      const body = JSON.stringify({ target, user: `u${n}`, server_name: '', jupyterhub: true });
      const status = await new Promise((resolve) => {
        const req = http.request(`${apiUrl}/api/routes/user/u${n}`, {
          method: 'POST', agent,
          headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
        req.on('error', () => resolve(0));
        req.end(body);
      });
      if (status !== 201) failed++;
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ routes: count, seconds: Number(seconds.toFixed(2)), failed }));
  agent.destroy();
}

switch (mode) {
  case 'server': server(args[0]); break;
  case 'echo': echo(args[0], Number(args[1]), Number(args[2])); break;
  case 'soak': soak(args[0], Number(args[1]), Number(args[2])); break;
  case 'routes': routes(args[0], args[1], Number(args[2]), args[3]); break;
  default: console.error('usage: helpers.mjs server|echo|soak|routes ...'); process.exit(2);
}
