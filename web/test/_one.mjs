const web = 'http://127.0.0.1:3777', api = 'http://127.0.0.1:35457';
const email = `one-${Date.now()}@example.com`, password = 'benchmark passphrase';
await fetch(`${api}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
const r = await fetch(`${web}/login`, { method: 'POST', body: new URLSearchParams({ email, password }), redirect: 'manual' });
const cookie = r.headers.getSetCookie()[0].split(';')[0];
for (let i = 0; i < 5; i++) { const t = performance.now(); const res = await fetch(`${web}/dashboard`, { headers: { cookie } }); await res.text(); console.log(res.status, (performance.now() - t).toFixed(1), 'ms'); }
const token = (await (await fetch(`${api}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).json()).access_token;
for (const p of ['/v1/dashboard/usage', '/v1/dashboard/trend?days=30', '/v1/dashboard/usage/files?limit=5', '/v1/billing', '/v1/me']) { const t = performance.now(); const res = await fetch(`${api}${p}`, { headers: { authorization: `Bearer ${token}` } }); await res.text(); console.log(p, res.status, (performance.now() - t).toFixed(1), 'ms'); }
