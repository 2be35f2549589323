import type { ProblemCode } from './contract-types.js';

// The one error type of the API. Each instance renders as an RFC 9457 problem with a stable `code`;
// factories in `errors.ts` are the only place codes and statuses are chosen, among the codes the
// contract lists (Problem.code in openapi.yaml).
export interface ProblemInit {
  status: number;
  code: ProblemCode;
  title: string;
  detail?: string;
  /** Extension members, rendered beside the standard ones (e.g. `errors`, `retry_after`). */
  extensions?: Record<string, unknown>;
  /** Response headers the problem needs, such as `Retry-After` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
}

export class Problem extends Error {
  override readonly name = 'Problem';
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  toJSON(requestId: string | undefined, instance: string): Record<string, unknown> {
    return {
      type: `https://baketsu.dev/problems/${this.code.replaceAll('_', '-')}`,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      instance,
      code: this.code,
      ...(requestId === undefined ? {} : { request_id: requestId }),
      ...this.extensions,
    };
  }
}
