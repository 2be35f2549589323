import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestApi } from '#src/platform/testing/index.js';
import { client, expectProblem, mailedToken, startMailApi } from '#src/auth/testing/account-mail-kit.js';

let api: TestApi;
let http: ReturnType<typeof client>;

beforeAll(async () => {
  api = await startMailApi({ env: { UNVERIFIED_STORAGE_LIMIT_BYTES: '1000' } });
  http = client(api);
});
afterAll(async () => {
  await api?.stop();
});

const presign = (token: string, size: number) => http.post('/v1/files/presign', { name: `f-${crypto.randomUUID()}.bin`, size, content_type: 'application/octet-stream' }, token);

test('until its address is confirmed an account stores at most the unverified limit, counting uploads in flight', async () => {
  const email = await http.register();
  const { access_token } = await http.signIn(email);
  expect((await presign(access_token, 600)).status).toBe(201);
  const refused = await expectProblem(await presign(access_token, 500), 403, 'email_verification_required');
  expect(refused).toMatchObject({ limit_bytes: 1000, used_bytes: 600, requested_bytes: 500 });
  expect((await presign(access_token, 400)).status).toBe(201);

  expect((await http.post('/v1/auth/verify-email', { token: await mailedToken(email, 'verify-email', { subject: /Confirm your email/ }) })).status).toBe(200);
  expect((await presign(access_token, 5000)).status).toBe(201);
});

test("one account's confirmation does not lift another's limit", async () => {
  const verifiedEmail = await http.register();
  const other = await http.register();
  await http.post('/v1/auth/verify-email', { token: await mailedToken(verifiedEmail, 'verify-email', { subject: /Confirm your email/ }) });
  const { access_token } = await http.signIn(other);
  await expectProblem(await presign(access_token, 1001), 403, 'email_verification_required');
});
