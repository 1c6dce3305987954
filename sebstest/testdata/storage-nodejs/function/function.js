'use strict';
// A Node.js function that exercises the storage wrapper (function/storage.js, added by sebstest.WithStorage):
//   {"op": "roundtrip", "bucket", "name", "size"}: stores size bytes with uploadStream and, from a file, with
//     upload; reads them back with downloadStream, download and downloadDirectory; answers the keys and the
//     SHA-256 of everything written and read.
//   {"op": "download", "bucket", "key"}: reads one object with downloadStream; answers its SHA-256.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const storage = require('./storage');

const client = storage.storage.get_instance();

const sha = (data) => crypto.createHash('sha256').update(data).digest('hex');

async function readStream(readable) {
  const parts = [];
  for await (const chunk of readable) parts.push(chunk);
  return Buffer.concat(parts);
}

async function roundtrip({ bucket, name, size }) {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
  const [writable, streamed, streamKey] = client.uploadStream(bucket, name);
  writable.end(data);
  await streamed;
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'roundtrip-'));
  try {
    const file = path.join(work, 'upload.bin');
    await fs.promises.writeFile(file, data);
    const [fileKey, uploaded] = client.upload(bucket, name, file);
    await uploaded;
    const viaStream = await readStream(await client.downloadStream(bucket, streamKey));
    const into = path.join(work, 'down', 'file.bin');
    await client.download(bucket, fileKey, into);
    const viaFile = await fs.promises.readFile(into);
    const dir = path.join(work, 'dir');
    await client.downloadDirectory(bucket, path.posix.dirname(name), dir);
    const listed = {};
    for (const key of [streamKey, fileKey]) listed[key] = sha(await fs.promises.readFile(path.join(dir, key)));
    return { keys: [streamKey, fileKey], written: sha(data), stream: sha(viaStream), file: sha(viaFile), directory: listed };
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

exports.handler = async function handler(event) {
  if (event.op === 'roundtrip') return roundtrip(event);
  if (event.op === 'download') return { sha256: sha(await readStream(await client.downloadStream(event.bucket, event.key))) };
  throw new TypeError(`unknown op ${JSON.stringify(event.op)}`);
};
