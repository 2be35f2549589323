import type { NextFunction, Request, Response } from 'express';
import { describe, expect, test } from 'vitest';
import { ContractDriftError } from './contract-responses.js';
import { compileContract, contractValidator, validatedBody, validatedQuery } from './contract-validator.js';
import { Problem } from './problem.js';

const UPLOAD_ID = '0190d6a4-0000-7000-8000-000000000000';
const validate = contractValidator({ validateResponses: false, ignorePaths: /^\/(metrics|storage)(\/|$)/ });
const validateWithResponses = contractValidator({ validateResponses: true, ignorePaths: /^\/metrics(\/|$)/ });

interface FakeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

// The few members of Express's request the validator reads, as Express would fill them in.
function fakeRequest({ method, url, headers = {}, body }: FakeRequest): Request {
  const queryAt = url.indexOf('?');
  const query = queryAt === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(queryAt + 1)));
  return { method, url, path: queryAt === -1 ? url : url.slice(0, queryAt), headers, query, body } as unknown as Request;
}

/** Runs the validator on a request; answers what it passed to `next` (undefined: let through). */
function run(init: FakeRequest, middleware = validate, response = {} as Response): { request: Request; error: unknown } {
  const request = fakeRequest(init);
  let error: unknown = 'next was not called';
  const next: NextFunction = (value?: unknown) => {
    error = value;
  };
  void middleware(request, response, next);
  return { request, error };
}

function problemOf(init: FakeRequest): Problem {
  const { error } = run(init);
  if (!(error instanceof Problem)) throw new Error(`expected a problem, got ${String(error)}`);
  return error;
}

const json = { 'content-type': 'application/json' };
const presign = { name: 'a.png', size: 1, content_type: 'image/png' };

describe('routing by the contract', () => {
  test('an operation is found by its exact path, case-insensitively and with a trailing slash', () => {
    for (const url of ['/v1/me', '/V1/ME', '/v1/me/', `/v1/files/${UPLOAD_ID}`, `/v1/files/${UPLOAD_ID}/`]) {
      expect(run({ method: 'GET', url }).error, url).toBeUndefined();
    }
  });

  test('a concrete path wins over a template that also matches it', () => {
    const { request, error } = run({ method: 'POST', url: '/v1/files/bulk-delete', headers: json, body: { ids: [UPLOAD_ID] } });
    expect(error).toBeUndefined();
    expect(validatedBody('bulkDeleteFiles', request)).toEqual({ ids: [UPLOAD_ID] });
  });

  test('HEAD is validated as the GET it is answered like', () => {
    const { request, error } = run({ method: 'HEAD', url: '/v1/files?limit=5' });
    expect(error).toBeUndefined();
    expect(validatedQuery('listFiles', request)).toEqual({ limit: 5, sort: 'created' });
  });

  test('a method the path lacks is a 405 naming the methods it has', () => {
    const problem = problemOf({ method: 'PUT', url: `/v1/files/${UPLOAD_ID}` });
    expect(problem).toMatchObject({ status: 405, code: 'method_not_allowed', headers: { Allow: 'GET, HEAD, PATCH, DELETE' } });
    expect(problemOf({ method: 'GET', url: '/v1/auth/login' }).headers).toEqual({ Allow: 'POST' });
  });

  test('a path outside the contract is a 404 unless it is one of the undocumented ones', () => {
    expect(problemOf({ method: 'GET', url: '/v1/nope' })).toMatchObject({ status: 404, code: 'route_not_found' });
    expect(run({ method: 'GET', url: '/metrics' }).error).toBeUndefined();
    expect(run({ method: 'PUT', url: '/storage/o/key' }).error).toBeUndefined();
  });

  test('a path parameter that does not decode, or does not match its schema, is a validation problem', () => {
    expect(problemOf({ method: 'GET', url: '/v1/files/%ZZ' }).extensions).toEqual({ errors: [{ path: '/path', message: 'must be a valid percent-encoded path' }] });
    expect(problemOf({ method: 'GET', url: '/v1/files/not-a-uuid' }).extensions).toEqual({ errors: [{ path: '/params/id', message: 'must match format "uuid"' }] });
  });
});

describe('query parameters', () => {
  test('are coerced to their types with the contract defaults, and reserved characters need no escaping', () => {
    const { request, error } = run({ method: 'GET', url: '/v1/files?q=holiday photo&type=image/png&sort=size' });
    expect(error).toBeUndefined();
    expect(validatedQuery('listFiles', request)).toEqual({ q: 'holiday photo', type: 'image/png', sort: 'size', limit: 50 });
  });

  test('unknown, empty and mistyped ones are refused', () => {
    const errorsOf = (url: string) => problemOf({ method: 'GET', url }).extensions.errors;
    expect(errorsOf('/v1/files?owner=me')).toEqual([{ path: '/query/owner', message: "Unknown query parameter 'owner'" }]);
    expect(errorsOf('/v1/me?x=1')).toEqual([{ path: '/query/x', message: "Unknown query parameter 'x'" }]);
    expect(errorsOf('/v1/files?q=')).toEqual([{ path: '/query/q', message: "Empty value found for query parameter 'q'" }]);
    expect(errorsOf('/v1/files?limit=abc')).toEqual([{ path: '/query/limit', message: 'must be integer' }]);
    expect(errorsOf('/v1/files?sort=owner')).toEqual([{ path: '/query/sort', message: 'must be equal to one of the allowed values: created, name, size' }]);
  });
});

describe('bodies and headers', () => {
  test('a valid body is handed to the handler as its operation type', () => {
    const { request, error } = run({ method: 'POST', url: '/v1/files/presign', headers: { ...json, 'idempotency-key': 'k1' }, body: presign });
    expect(error).toBeUndefined();
    const body = validatedBody('presignUpload', request);
    expect(body.size).toBe(1);
  });

  test('a body of another media type, or none declared, is a 415', () => {
    expect(problemOf({ method: 'POST', url: '/v1/files/presign', headers: { 'content-type': 'text/plain' }, body: 'x' })).toMatchObject({ status: 415, detail: 'unsupported media type text/plain' });
    expect(problemOf({ method: 'POST', url: '/v1/files/presign' })).toMatchObject({ status: 415, detail: 'media type not specified' });
    // An operation without a request body ignores what is sent.
    expect(run({ method: 'POST', url: `/v1/uploads/${UPLOAD_ID}/url`, headers: { 'content-type': 'text/plain' } }).error).toBeUndefined();
  });

  test('a missing, extra, mistyped or too short field is named in the problem', () => {
    const errorsOf = (body: unknown, headers: Record<string, string> = json) =>
      problemOf({ method: 'POST', url: '/v1/files/presign', headers, body }).extensions.errors;
    expect(errorsOf(undefined)).toEqual([{ path: '/body', message: "must have required property 'body'" }]);
    expect(errorsOf({ name: 'a.png' })).toEqual([{ path: '/body/size', message: "must have required property 'size'" }]);
    expect(errorsOf({ ...presign, extra: 1 })).toEqual([{ path: '/body/extra', message: 'must NOT have additional properties' }]);
    expect(errorsOf({ ...presign, size: '1' })).toEqual([{ path: '/body/size', message: 'must be integer' }]);
    expect(errorsOf(presign, { ...json, 'idempotency-key': '' })).toEqual([{ path: '/headers/idempotency-key', message: 'must NOT have fewer than 1 characters' }]);
  });

  test('a handler naming another operation than its route is a bug, not a client error', () => {
    const { request } = run({ method: 'GET', url: '/v1/me' });
    expect(() => validatedBody('presignUpload', request)).toThrow(/validated as getMe, not presignUpload/);
  });
});

describe('responses, checked in tests', () => {
  function respond(url: string, status: number, body?: unknown): unknown {
    const sent: unknown[] = [];
    const response = { statusCode: status, get: () => undefined, json: (value: unknown) => sent.push(value) } as unknown as Response;
    expect(run({ method: 'GET', url }, validateWithResponses, response).error).toBeUndefined();
    response.json(body);
    return sent[0];
  }

  test('a response the contract describes is sent as is', () => {
    const account = { id: UPLOAD_ID, email: 'ada@example.com', created_at: '2026-01-01T00:00:00.000Z', email_verified: true, display_name: null, pending_email: null };
    expect(respond('/v1/me', 200, account)).toBe(account);
  });

  test('one that drifts from it is refused before it is sent', () => {
    expect(() => respond('/v1/me', 200, { id: UPLOAD_ID, email: 'ada@example.com' })).toThrow(ContractDriftError);
    expect(() => respond('/v1/me', 200, { id: 'x', email: 'a', created_at: 'yesterday' })).toThrow(/getMe answered 200 outside the contract/);
    expect(() => respond('/v1/me', 418, {})).toThrow(/declares no 418 response/);
  });
});

test('the contract is compiled once per process, not per app', () => {
  expect(compileContract({ validateResponses: true })).toBe(compileContract({ validateResponses: true }));
});
