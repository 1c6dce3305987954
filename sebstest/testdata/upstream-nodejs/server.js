'use strict';
// Upstream-shaped Node.js wrapper server for the stand-in image (see README.md): loads the function before
// listening, answers POST only, stamps begin/end in milliseconds, always reports is_cold false.
const crypto = require('node:crypto');
const http = require('node:http');

const fn = require('/function/function/function');

function stamp(ms) {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

function send(res, status, body) {
  const data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  res.end(data);
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST') return send(res, 404, `Cannot ${req.method} ${req.url}`);
    if (req.url === '/alive') return send(res, 200, { status: 'ok' });
    if (req.url !== '/') return send(res, 404, `Cannot POST ${req.url}`);
    let event = {};
    if (/application\/json/.test(req.headers['content-type'] || '')) {
      try {
        event = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf-8')) : {};
      } catch (err) {
        return send(res, 400, String(err));
      }
    }
    const begin = Date.now();
    fn.handler(event).then(
      (output) => {
        const end = Date.now();
        send(res, 200, {
          begin: stamp(begin), end: stamp(end), request_id: crypto.randomUUID(), is_cold: false,
          result: { output },
        });
      },
      (reason) => {
        console.log('Function invocation failed!');
        console.log(reason);
        process.exit(1);
      },
    );
  });
}).listen(Number(process.argv[2]), () => console.log(`Server listening on port ${process.argv[2]}.`));
