import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Response } from 'express';
import type { ContractAjv } from './contract-ajv.js';
import type { ContractOperation } from './contract-document.js';

/** Why a response differs from the contract, or undefined when it does not. */
export type ResponseCheck = (status: number, contentType: string | undefined, body: unknown) => string | undefined;

/** Raised (a 500, logged) when a handler answers what the contract does not describe. */
export class ContractDriftError extends Error {
  override readonly name = 'ContractDriftError';
}

/**
 * Compiles, once, every response an operation declares. A status is looked up exactly, then by its
 * range (`4XX`), then `default`; a response without content must have no body.
 */
export function compileResponseCheck(operation: ContractOperation, { ajv, compileRef }: ContractAjv): ResponseCheck {
  const byStatus = new Map<string, Map<string, ValidateFunction>>();
  for (const [status, response] of operation.responses) {
    const validators = new Map<string, ValidateFunction>();
    for (const [mediaType, ref] of response.content) validators.set(mediaType, compileRef(ref));
    byStatus.set(status, validators);
  }
  return (status, contentType, body) => {
    const code = String(status);
    const validators = byStatus.get(code) ?? byStatus.get(`${code[0]}XX`) ?? byStatus.get('DEFAULT');
    if (!validators) return `the contract declares no ${code} response`;
    if (validators.size === 0) return body === undefined ? undefined : `the contract declares no content for ${code}, but a body was sent`;
    const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? 'application/json';
    const validate = validators.get(mediaType) ?? validators.values().next().value;
    if (!validate) return undefined;
    if (body === undefined || body === null) return `the ${code} response needs a body`;
    return validate(body) ? undefined : ajv.errorsText(validate.errors, { dataVar: 'response' });
  };
}

/**
 * Checks each `response.json(body)` of this request before it is sent (tests run with this on, so a
 * handler that drifts from the contract fails its test). Bodies sent otherwise (problems are) are not read.
 */
export function checkJsonResponses(response: Response, operationId: string, check: ResponseCheck): void {
  const send = response.json.bind(response);
  response.json = (body?: unknown) => {
    const drift = check(response.statusCode, response.get('content-type'), body);
    if (drift !== undefined) throw new ContractDriftError(`${operationId} answered ${response.statusCode} outside the contract: ${drift}`);
    return send(body);
  };
}
