// A stand-in for the browser's XMLHttpRequest, installed with vi.stubGlobal by the unit tests of the
// browser upload path. Storage answers each PUT as `respond` says, after `after` ms (fake timers
// welcome). Only the headers a CORS response would expose are readable, the browser's way:
// getAllResponseHeaders lists them; getResponseHeader for any other is logged as a console error.
// Not part of any entry point.

export interface XhrAnswer {
  status: number;
  /** Response headers storage's CORS exposes. */
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds before storage answers (default 1). */
  after?: number;
}

export function fakeXhrStorage(respond: (url: string, attempt: number) => XhrAnswer = () => ({ status: 200 })) {
  const log: string[] = [];
  const attempts = new Map<string, number>();
  /** Reads of a header storage did not expose: each is a console error in a real browser. */
  const unexposedReads: string[] = [];

  class FakeXMLHttpRequest {
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
      return Object.entries(this.headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
    }
    getResponseHeader(name: string): string | null {
      const found = Object.entries(this.headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
      if (!found) unexposedReads.push(name);
      return found?.[1] ?? null;
    }
    send(body: Blob | Uint8Array) {
      const attempt = (attempts.get(this.url) ?? 0) + 1;
      attempts.set(this.url, attempt);
      log.push(`put ${this.url}`);
      const answer = respond(this.url, attempt);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.status = answer.status;
        this.headers = answer.headers ?? {};
        this.responseText = answer.body ?? '';
        log.push(`${answer.status} ${this.url}`);
        if (answer.status < 300) this.upload.onprogress?.({ loaded: body instanceof Blob ? body.size : body.byteLength });
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

  return { XMLHttpRequest: FakeXMLHttpRequest, log, attempts, unexposedReads };
}
