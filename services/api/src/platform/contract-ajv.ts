import { Ajv2020, type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { CONTRACT_ID } from './contract-document.js';
import type { FieldError } from './errors.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/**
 * What each part of a request or response is checked with. Parameters arrive as strings, so they
 * are coerced to their schema's type (and get its default); bodies are JSON and must already have
 * the right types. Responses are only read, never filled in. All three stop at the first error, and
 * check formats (`uuid`, `date-time`, `uri`) with ajv-formats' fast patterns.
 */
export type ContractAjvRole = 'parameters' | 'body' | 'response';

const ROLE_OPTIONS: Record<ContractAjvRole, Options> = {
  parameters: { coerceTypes: true, useDefaults: true },
  body: { coerceTypes: false, useDefaults: true },
  response: { coerceTypes: false, useDefaults: false },
};

export interface ContractAjv {
  ajv: Ajv2020;
  /** The validator of a schema inside the contract (a `$ref`), compiled once however often asked for. */
  compileRef(ref: string): ValidateFunction;
}

export function contractAjv(spec: Record<string, unknown>, role: ContractAjvRole): ContractAjv {
  const ajv = new Ajv2020({
    ...ROLE_OPTIONS[role],
    // The contract mixes OpenAPI keywords into its schemas (`examples`, `allowReserved` nearby):
    // unknown keywords are annotations, not mistakes. The spec itself is linted by its own test.
    strict: false,
    strictNumbers: true,
    validateSchema: false,
    allErrors: false,
    removeAdditional: false,
  });
  addFormats(ajv, { mode: 'fast' });
  ajv.addSchema(spec, CONTRACT_ID);
  // Each component schema also under its own key: Ajv then compiles it once and every `$ref` to it
  // reuses that, where a `$ref` into the document alone is compiled afresh for each schema using it.
  const schemas = (spec.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(schema as object, `${CONTRACT_ID}#/components/schemas/${name}`);
  const compiled = new Map<string, ValidateFunction>();
  return {
    ajv,
    compileRef(ref) {
      let validate = compiled.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: ref });
        compiled.set(ref, validate);
      }
      return validate;
    },
  };
}

/**
 * Ajv's errors as the API's field errors: `/body/email`, `/query/limit`, `/params/id`. A missing or
 * unexpected property is named in the path; an enum lists what it allows.
 */
export function toFieldErrors(prefix: string, ajvErrors: readonly ErrorObject[] | null | undefined): FieldError[] {
  return (ajvErrors ?? []).map((error) => {
    const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string; allowedValues?: unknown[] };
    const property = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
    const message = error.message ?? 'is invalid';
    return {
      path: `${prefix}${error.instancePath}${property === undefined ? '' : `/${property}`}`,
      message: error.keyword === 'enum' && Array.isArray(params.allowedValues) ? `${message}: ${params.allowedValues.join(', ')}` : message,
    };
  });
}
