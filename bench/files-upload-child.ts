// The client side of the multipart upload benchmark, in its own process so it never shares an event
// loop with the API (which serves the local store's URLs). Args: <api url> <token> <MiB>.
const [apiUrl, token, mib] = process.argv.slice(2) as [string, string, string];
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
};
const size = Number(mib) * 1024 * 1024;
const started = performance.now();
const plan = (await call('POST', '/v1/files/presign', { name: 'big.bin', size, content_type: 'application/octet-stream' })).body;
const block = Buffer.alloc(plan.part_size, 7);
const queue = Array.from({ length: plan.part_count as number }, (_, i) => i + 1);
const parallel = 4;
await Promise.all(
  Array.from({ length: parallel }, async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const [part] = (await call('POST', `/v1/uploads/${plan.upload_id}/parts`, { part_numbers: [n] })).body.parts;
      const response = await fetch(part.url, { method: 'PUT', headers: part.headers, body: block.subarray(0, part.size) });
      if (response.status !== 200) throw new Error(`part ${n}: ${response.status} ${await response.text()}`);
    }
  }),
);
const done = await call('POST', '/v1/files/complete', { upload_id: plan.upload_id });
if (done.status !== 201) throw new Error(`complete: ${JSON.stringify(done.body)}`);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, parts: plan.part_count, partSize: plan.part_size, parallel }));
