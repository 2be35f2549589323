// Test doubles for the browser APIs uploads use (XHR to storage — the SDK's browser entry sends
// with it — fetch to /api/uploads, localStorage), installed with vi.stubGlobal by the upload
// tests. Not imported by the app.

export interface StorageAnswer {
  status: number;
  /** Milliseconds before storage answers (default 1). */
  after?: number;
  /** Response headers storage's CORS exposes (e.g. Retry-After). */
  headers?: Record<string, string>;
}

/** Storage behind presigned URLs: answers each PUT as `respond` says and logs what happened. */
export function fakeStorage(respond: (url: string, attempt: number) => StorageAnswer = () => ({ status: 200 })) {
  const log: string[] = [];
  const attempts = new Map<string, number>();

  class FakeXhr {
    status = 0;
    responseText = '';
    upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private url = '';
    private headers: Record<string, string> = {};
    private timer: ReturnType<typeof setTimeout> | undefined;

    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    getAllResponseHeaders(): string {
      return Object.entries(this.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    }
    getResponseHeader(name: string): string | null {
      return this.headers[name.toLowerCase()] ?? null;
    }
    send(body: Blob) {
      const attempt = (attempts.get(this.url) ?? 0) + 1;
      attempts.set(this.url, attempt);
      log.push(`put ${this.url}`);
      const answer = respond(this.url, attempt);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.status = answer.status;
        this.headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
        log.push(`${answer.status} ${this.url}`);
        if (answer.status < 300) this.upload.onprogress?.({ loaded: body.size });
        this.onload?.();
      }, answer.after ?? 1);
    }
    abort() {
      if (this.timer === undefined) return;
      clearTimeout(this.timer);
      this.timer = undefined;
      log.push(`abort ${this.url}`);
      this.onabort?.();
    }
  }

  return { XMLHttpRequest: FakeXhr, log, attempts };
}

export interface RouteAnswer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The dashboard's /api/uploads route: `answer` gets each request's intent and body. */
export function fakeUploadsRoute(answer: (intent: string, body: Record<string, unknown>) => RouteAnswer) {
  const intents: string[] = [];
  const fetch = async (_input: string | URL, init: RequestInit = {}) => {
    if (init.signal?.aborted) throw init.signal.reason;
    const { intent, ...body } = JSON.parse(String(init.body)) as { intent: string } & Record<string, unknown>;
    intents.push(intent);
    const { status = 200, body: payload, headers = {} } = answer(intent, body);
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json', ...headers } });
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
