import { APIError, NotFoundError, type Baketsu } from '@baketsu/sdk';
import { describe, expect, it } from 'vitest';
import { fileName } from './file-names.server.js';

/** The API's files.get: answers each call with the next of `answers` (a name, or an error to throw). */
function fakeApi(...answers: Array<string | Error>) {
  const calls: string[] = [];
  const api = {
    files: {
      get: async (fileId: string) => {
        calls.push(fileId);
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return { id: fileId, name: answer };
      },
    },
  } as unknown as Baketsu;
  return { api, calls };
}

describe('fileName', () => {
  it('remembers a name, and a deleted file as null', async () => {
    const { api, calls } = fakeApi('report.pdf', new NotFoundError({ message: 'gone', status: 404, code: 'file_not_found' }));
    expect(await fileName(api, 'acct-names-1', 'f1')).toBe('report.pdf');
    expect(await fileName(api, 'acct-names-1', 'f1')).toBe('report.pdf');
    expect(await fileName(api, 'acct-names-1', 'f2')).toBeNull();
    expect(await fileName(api, 'acct-names-1', 'f2')).toBeNull();
    expect(calls).toEqual(['f1', 'f2']);
  });

  it('neither hides nor remembers an error that says nothing about the file', async () => {
    const unavailable = new APIError({ message: 'down', status: 503 });
    const redirect = new Response(null, { status: 302, headers: { location: '/login' } });
    const { api, calls } = fakeApi(unavailable, 'still-here.txt');
    await expect(fileName(api, 'acct-names-2', 'f1')).rejects.toBe(unavailable);
    expect(await fileName(api, 'acct-names-2', 'f1')).toBe('still-here.txt');
    expect(calls).toEqual(['f1', 'f1']);

    const signedOut = { files: { get: async () => Promise.reject(redirect) } } as unknown as Baketsu;
    await expect(fileName(signedOut, 'acct-names-3', 'f1')).rejects.toBe(redirect);
  });
});
