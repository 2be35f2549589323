import type { IncomingHttpHeaders } from 'node:http';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { ContractOperation, ContractParameter, ParameterLocation } from './contract-document.js';
import { toFieldErrors, type ContractAjv } from './contract-ajv.js';
import { errors, type FieldError } from './errors.js';

/** What a request's check needs of it: Express's `Request` has all of it. */
export interface RequestParts {
  url: string;
  headers: IncomingHttpHeaders;
  /** Express's parsed query string; only read when the URL has one. */
  readonly query: unknown;
  body?: unknown;
}

export interface CheckedRequest {
  operationId: string;
  /** The query with every declared parameter coerced to its schema's type and defaults filled in. */
  query: Record<string, unknown>;
}

export type RequestCheck = (request: RequestParts, pathParams: Record<string, string>) => CheckedRequest;

const NO_QUERY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NO_ERRORS: readonly FieldError[] = Object.freeze([]);

const GROUP_PREFIX: Record<ParameterLocation, string> = { query: '/query', header: '/headers', path: '/params' };

/**
 * Compiles, once, what one operation accepts: its media types (else 415), its query parameters (no
 * unknown or empty ones), path parameters and headers (coerced from strings), and its body. The
 * parameter groups report their first error and the body its own, as the errors of one 400.
 */
export function compileRequestCheck(operation: ContractOperation, ajv: { parameters: ContractAjv; body: ContractAjv }): RequestCheck {
  const { operationId, requestBody } = operation;
  const inGroup = (location: ParameterLocation) => operation.parameters.filter((parameter) => parameter.in === location);
  const queryParameters = inGroup('query');
  const queryNames = new Set(queryParameters.map((parameter) => parameter.name));
  const emptyAllowed = new Set(queryParameters.filter((parameter) => parameter.allowEmptyValue).map((parameter) => parameter.name));
  const groups: Array<{ location: ParameterLocation; validate: ValidateFunction }> = [];
  for (const location of ['query', 'header', 'path'] as const) {
    const parameters = inGroup(location);
    if (parameters.length > 0) groups.push({ location, validate: ajv.parameters.ajv.compile(objectOf(parameters)) });
  }
  const validateQuery = groups.find((group) => group.location === 'query')?.validate;
  const bodies = new Map<string, ValidateFunction>();
  for (const [mediaType, ref] of requestBody?.content ?? []) bodies.set(mediaType, ajv.body.compileRef(ref));

  // What most requests (no query, nothing to coerce) are answered with: one object, not one each.
  const unchanged: CheckedRequest = { operationId, query: NO_QUERY };
  return (request, pathParams) => {
    const query = queryOf(request, queryNames, emptyAllowed, validateQuery !== undefined);
    let fieldErrors = NO_ERRORS;
    for (const { location, validate } of groups) {
      const data = location === 'query' ? query : location === 'path' ? { ...pathParams } : request.headers;
      if (!validate(data)) {
        fieldErrors = toFieldErrors(GROUP_PREFIX[location], validate.errors);
        break;
      }
    }
    if (requestBody) {
      const inBody = bodyErrors(request, requestBody.required, bodies);
      if (inBody.length > 0) fieldErrors = [...fieldErrors, ...inBody];
    }
    if (fieldErrors.length > 0) throw errors.validationFailed([...fieldErrors]);
    return query === NO_QUERY ? unchanged : { operationId, query };
  };
}

function queryOf(request: RequestParts, names: ReadonlySet<string>, emptyAllowed: ReadonlySet<string>, declared: boolean): Record<string, unknown> {
  if (!request.url.includes('?')) return declared ? {} : NO_QUERY;
  const parsed = request.query as Record<string, unknown>;
  for (const name of Object.keys(parsed)) {
    if (!names.has(name)) throw errors.validationFailed([{ path: `/query/${name}`, message: `Unknown query parameter '${name}'` }]);
    if (parsed[name] === '' && !emptyAllowed.has(name)) {
      throw errors.validationFailed([{ path: `/query/${name}`, message: `Empty value found for query parameter '${name}'` }]);
    }
  }
  // A copy: coercion and defaults must not write into Express's own parse.
  return { ...parsed };
}

function bodyErrors(request: RequestParts, required: boolean, bodies: ReadonlyMap<string, ValidateFunction>): readonly FieldError[] {
  const header = request.headers['content-type'];
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  if (!mediaType) {
    if (!required) return NO_ERRORS;
    throw errors.unsupportedMediaType('media type not specified');
  }
  const validate = bodies.get(mediaType);
  if (!validate) throw errors.unsupportedMediaType(`unsupported media type ${mediaType}`);
  if (request.body === undefined) return required ? [{ path: '/body', message: "must have required property 'body'" }] : NO_ERRORS;
  return validate(request.body) ? NO_ERRORS : toFieldErrors('/body', validate.errors);
}

function objectOf(parameters: readonly ContractParameter[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema])),
    required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}
