import { describe, expect, it, vi } from 'vitest';
import { CLIENT_ADDRESS_HEADER } from '#app/lib/client-address.js';

// The API answers the dashboard's server (on this machine) whoever the visitor is.
const devMailbox = vi.fn(async () => [{ id: 'm1', to: 'ada@example.com', template: 'password_reset', subject: 'Reset', text: 'http://localhost:3000/reset-password?token=secret', html: '', created_at: '2026-12-07T06:00:00.000Z' }]);
vi.mock('#app/lib/account-mail.server.js', () => ({ devMailbox }));
const { loader } = await import('./dev.mailbox.js');

const visit = (address: string | undefined) => {
  const headers = new Headers(address === undefined ? {} : { [CLIENT_ADDRESS_HEADER]: address });
  return loader({ request: new Request('http://dashboard.test/dev/mailbox', { headers }), params: {}, context: {} });
};

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (thrown) {
    return (thrown as { init?: { status?: number } }).init?.status ?? -1;
  }
}

describe('/dev/mailbox', () => {
  it('shows the mail to a visitor on this machine', async () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(await visit(address)).toMatchObject({ mail: [{ id: 'm1' }] });
    }
  });

  it('is a 404 for a visitor from another host, without asking the API', async () => {
    devMailbox.mockClear();
    for (const address of ['192.168.1.20', '::ffff:10.0.0.7', 'fe80::1', '127.0.0.1.evil', undefined]) {
      expect(await statusOf(visit(address))).toBe(404);
    }
    expect(devMailbox).not.toHaveBeenCalled();
  });
});
