// The tombstone of a deleted account keeps nothing that identifies a person, and no link mailed
// before the deletion brings an address back onto it.
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, expectProblem, mailedToken, PASSWORD, startMailApi } from '#src/auth/testing/account-mail-kit.js';
import { uniqueAddress, type TestApi } from '#src/platform/testing/index.js';

let api: TestApi;
let http: ReturnType<typeof client>;

beforeAll(async () => {
  api = await startMailApi();
  http = client(api);
});
afterAll(async () => {
  await api?.stop();
});

describe('a deleted account', () => {
  test('keeps no display name or pending address, and the email change link mailed before the deletion leads nowhere', async () => {
    const email = await http.register();
    const { access_token } = await http.signIn(email);
    const newEmail = uniqueAddress('moving');
    const changed = await http.call('PATCH', '/v1/me', { display_name: 'Alice Example', email: newEmail, current_password: PASSWORD }, access_token);
    expect(changed.status).toBe(200);
    const id = ((await changed.json()) as { id: string }).id;
    const changeLink = await mailedToken(newEmail, 'verify-email', { subject: /new email address/ });

    expect((await http.post('/v1/me/delete', { password: PASSWORD }, access_token)).status).toBe(202);

    await expectProblem(await http.post('/v1/auth/verify-email', { token: changeLink }), 404, 'verification_token_not_found');
    const tombstone = await api.database.pool.one(sql.type(z.object({ email: z.string().nullable(), pending_email: z.string().nullable(), display_name: z.string().nullable() }))`
      select email, pending_email, display_name from accounts where id = ${id}`);
    expect(tombstone).toEqual({ email: null, pending_email: null, display_name: null });
    // The address it was moving to is anyone's, as the one it had is.
    await http.register(newEmail);
    await http.register(email);
  });
});
