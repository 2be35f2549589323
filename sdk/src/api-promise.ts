// What every single-request method returns: a Promise of the parsed body, as before, that can also
// hand over the HTTP response it came from (openai-node's `withResponse()`), for a request id or a
// header a typed field does not carry.

/** The parsed body with the response it came from (the last attempt's, if the call was retried). */
export interface WithResponse<T> {
  data: T;
  /** The raw response; its body has already been read into `data`. */
  response: Response;
  /** The API's `X-Request-Id`, to quote when asking for support. */
  requestId: string | undefined;
}

/**
 * A `Promise<T>` (await it as usual) with one more method, `withResponse()`. Nothing extra is sent:
 * both read the same single request.
 */
export class APIPromise<T> extends Promise<T> {
  // `then`, `catch` and `finally` return plain Promises, so chaining never calls this constructor.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #withResponse: Promise<WithResponse<T>>;

  /** @internal */
  constructor(responded: Promise<WithResponse<T>>) {
    let settle!: { resolve: (value: T) => void; reject: (reason: unknown) => void };
    super((resolve, reject) => (settle = { resolve, reject }));
    this.#withResponse = responded;
    responded.then((result) => settle.resolve(result.data), settle.reject);
  }

  /** The parsed body together with the `Response` and its request id. */
  withResponse(): Promise<WithResponse<T>> {
    // The caller now handles a failure through this promise; the body-only one must not report it
    // as unhandled.
    this.catch(() => {});
    return this.#withResponse;
  }
}
