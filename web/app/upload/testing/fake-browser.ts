// Test doubles for the browser APIs uploads use (XHR to storage, fetch to /api/uploads,
// localStorage), installed with vi.stubGlobal by the upload tests. Not imported by the app.

export interface StorageAnswer {
  status: number;
  /** Milliseconds before storage answers. */
  after?: number;
}

/** Storage behind presigned URLs: answers each PUT as `respond` says and logs what happened. */
export function fakeStorage(respond: (url: string, attempt: number) => StorageAnswer = () => ({ status: 200 })) {
  const log: string[] = [];
  const attempts = new Map<string, number>();

  class FakeXhr {
    status = 0;
    upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    onloadend: (() => void) | null = null;
    private url = '';
    private timer: ReturnType<typeof setTimeout> | undefined;

    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    send(body: Blob) {
      const attempt = (attempts.get(this.url) ?? 0) + 1;
      attempts.set(this.url, attempt);
      log.push(`put ${this.url}`);
      const answer = respond(this.url, attempt);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.status = answer.status;
        log.push(`${answer.status} ${this.url}`);
        if (answer.status < 300) this.upload.onprogress?.({ loaded: body.size });
        this.onload?.();
        this.onloadend?.();
      }, answer.after ?? 1);
    }
    abort() {
      if (this.timer === undefined) return;
      clearTimeout(this.timer);
      this.timer = undefined;
      log.push(`abort ${this.url}`);
      this.onabort?.();
      this.onloadend?.();
    }
  }

  return { XMLHttpRequest: FakeXhr, log, attempts };
}

/** The dashboard's /api/uploads route: `answer` gets each request's intent and body. */
export function fakeUploadsRoute(answer: (intent: string, body: Record<string, unknown>) => { status?: number; body: unknown }) {
  const intents: string[] = [];
  const fetch = async (_input: string | URL, init: RequestInit = {}) => {
    if (init.signal?.aborted) throw init.signal.reason;
    const { intent, ...body } = JSON.parse(String(init.body)) as { intent: string } & Record<string, unknown>;
    intents.push(intent);
    const { status = 200, body: payload } = answer(intent, body);
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, intents };
}

export function fakeLocalStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}
