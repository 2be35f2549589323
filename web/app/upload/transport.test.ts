import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeStorage } from './testing/fake-browser.js';
import { putBytes, sleep, UploadError, withRetry } from './transport.js';

afterEach(() => vi.unstubAllGlobals());

describe('withRetry', () => {
  it('retries what storage or the dashboard may answer differently next time', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const result = withRetry(async () => {
        calls += 1;
        if (calls < 3) throw new UploadError('busy', 503, true);
        return 'ok';
      }, new AbortController().signal);
      await vi.runAllTimersAsync();
      expect(await result).toBe('ok');
      expect(calls).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('makes no attempt once cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const attempt = vi.fn(async () => 'sent');
    await expect(withRetry(attempt, controller.signal)).rejects.toThrow('cancelled');
    expect(attempt).not.toHaveBeenCalled();
  });

  it('stops waiting out the backoff as soon as it is cancelled, and tries no more', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const attempt = vi.fn(async () => {
        throw new UploadError('storage unreachable', undefined, true);
      });
      const retrying = expect(withRetry(attempt, controller.signal)).rejects.toThrow('cancelled');
      // 10 ms into a backoff of at least 500 ms: only the abort can end the wait.
      await vi.advanceTimersByTimeAsync(10);
      controller.abort(new Error('cancelled'));
      await retrying;
      expect(attempt).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('sleep', () => {
  it('resolves after the delay, or rejects with the reason when aborted', async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});

describe('putBytes', () => {
  it('sends nothing when the upload was already cancelled', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(putBytes('http://storage.test/a', {}, new Blob(['abc']), () => {}, controller.signal)).rejects.toThrow('cancelled');
    expect(storage.log).toEqual([]);
  });

  it('aborts the request in flight when cancelled', async () => {
    const storage = fakeStorage(() => ({ status: 200, after: 1_000 }));
    vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
    const controller = new AbortController();
    const sending = putBytes('http://storage.test/a', {}, new Blob(['abc']), () => {}, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sending).rejects.toThrow('cancelled');
    expect(storage.log).toEqual(['put http://storage.test/a', 'abort http://storage.test/a']);
  });

  it('reports progress and marks refusals worth retrying', async () => {
    const storage = fakeStorage((url) => ({ status: url.endsWith('/expired') ? 403 : url.endsWith('/bad') ? 400 : 200 }));
    vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
    const signal = new AbortController().signal;
    const progress: number[] = [];
    await putBytes('http://storage.test/ok', {}, new Blob(['abcd']), (loaded) => progress.push(loaded), signal);
    expect(progress.at(-1)).toBe(4);
    await expect(putBytes('http://storage.test/expired', {}, new Blob(['a']), () => {}, signal)).rejects.toMatchObject({ status: 403, retryable: true });
    await expect(putBytes('http://storage.test/bad', {}, new Blob(['a']), () => {}, signal)).rejects.toMatchObject({ status: 400, retryable: false });
  });
});
