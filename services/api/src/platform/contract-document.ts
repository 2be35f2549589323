import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const openApiSpecPath = fileURLToPath(new URL('../../../../openapi.yaml', import.meta.url));

/** The key under which the contract is added to each Ajv instance; every schema is a `$ref` into it. */
export const CONTRACT_ID = 'openapi.yaml';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type ParameterLocation = 'query' | 'header' | 'path';

export interface ContractParameter {
  /** As written in the contract; header names are lower-cased, as Node delivers them. */
  name: string;
  in: ParameterLocation;
  required: boolean;
  allowEmptyValue: boolean;
  /**
   * The parameter's schema itself, its `$ref`s pointing into the contract: inline rather than a
   * `$ref`, as Ajv fills in a `default` only where it sees it beside `properties`.
   */
  schema: Record<string, unknown>;
}

export interface ContractResponse {
  /** Media type → `$ref` to its schema; empty when the response has no content. */
  content: Map<string, string>;
}

/** One operation of openapi.yaml, with every `$ref` to a schema spelled as a pointer into the contract. */
export interface ContractOperation {
  operationId: string;
  method: HttpMethod;
  /** The path template as the contract writes it (`/v1/files/{id}`). */
  path: string;
  parameters: ContractParameter[];
  requestBody: { required: boolean; content: Map<string, string> } | undefined;
  /** By status code, `4XX` range or `default`. */
  responses: Map<string, ContractResponse>;
}

export interface ContractDocument {
  /** The parsed contract, to be added to Ajv as is. */
  spec: Record<string, unknown>;
  operations: ContractOperation[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads openapi.yaml. Only local `$ref`s (`#/components/...`) are followed, which is all the contract uses. */
export function loadContract(specPath = openApiSpecPath): ContractDocument {
  const spec: unknown = parse(readFileSync(specPath, 'utf8'));
  if (!isObject(spec) || !isObject(spec.paths)) throw new Error(`${specPath} has no paths`);
  return { spec, operations: contractOperations(spec) };
}

export function contractOperations(spec: Json): ContractOperation[] {
  const operations: ContractOperation[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths as Json)) {
    if (!isObject(pathItem)) continue;
    const pathPointer = `/paths/${escapePointer(path)}`;
    const shared = listParameters(spec, pathItem.parameters, `${pathPointer}/parameters`);
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const pointer = `${pathPointer}/${method}`;
      if (typeof operation.operationId !== 'string') throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      // An operation's own parameter replaces a path-level one of the same name and location.
      const own = listParameters(spec, operation.parameters, `${pointer}/parameters`);
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
      operations.push({
        operationId: operation.operationId,
        method,
        path,
        parameters,
        requestBody: requestBodyOf(spec, operation.requestBody, `${pointer}/requestBody`),
        responses: responsesOf(spec, operation.responses, `${pointer}/responses`),
      });
    }
  }
  return operations;
}

function listParameters(spec: Json, value: unknown, pointer: string): ContractParameter[] {
  if (!Array.isArray(value)) return [];
  return value.map((item, index) => {
    const { object: parameter, pointer: at } = dereference(spec, item, `${pointer}/${index}`);
    const location = parameter.in;
    if (location !== 'query' && location !== 'header' && location !== 'path') {
      throw new Error(`parameter ${String(parameter.name)} is in ${String(location)}, which the validator does not read`);
    }
    if (!isObject(parameter.schema)) throw new Error(`parameter ${String(parameter.name)} has no schema`);
    const name = String(parameter.name);
    return {
      name: location === 'header' ? name.toLowerCase() : name,
      in: location,
      required: parameter.required === true,
      allowEmptyValue: parameter.allowEmptyValue === true,
      schema: withContractRefs(parameter.schema),
    };
  });
}

function requestBodyOf(spec: Json, value: unknown, pointer: string): ContractOperation['requestBody'] {
  if (value === undefined) return undefined;
  const { object: body, pointer: at } = dereference(spec, value, pointer);
  return { required: body.required === true, content: contentOf(body.content, `${at}/content`) };
}

function responsesOf(spec: Json, value: unknown, pointer: string): Map<string, ContractResponse> {
  const responses = new Map<string, ContractResponse>();
  if (!isObject(value)) return responses;
  for (const [status, response] of Object.entries(value)) {
    const { object, pointer: at } = dereference(spec, response, `${pointer}/${escapePointer(status)}`);
    responses.set(status.toUpperCase(), { content: contentOf(object.content, `${at}/content`) });
  }
  return responses;
}

function contentOf(value: unknown, pointer: string): Map<string, string> {
  const content = new Map<string, string>();
  if (!isObject(value)) return content;
  for (const [mediaType, media] of Object.entries(value)) {
    if (isObject(media) && isObject(media.schema)) content.set(mediaType.toLowerCase(), schemaRef(`${pointer}/${escapePointer(mediaType)}/schema`));
  }
  return content;
}

/** Follows a local `$ref` (a parameter, request body or response kept in `components`). */
function dereference(spec: Json, value: unknown, pointer: string): { object: Json; pointer: string } {
  if (!isObject(value)) throw new Error(`${pointer} is not an object`);
  if (typeof value.$ref !== 'string') return { object: value, pointer };
  if (!value.$ref.startsWith('#/')) throw new Error(`${pointer}: only local references are supported, not ${value.$ref}`);
  const target = value.$ref.slice(1);
  let found: unknown = spec;
  for (const segment of target.split('/').slice(1)) {
    found = isObject(found) ? found[segment.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  return dereference(spec, found, target);
}

function withContractRefs(schema: Json): Json {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, key === '$ref' && typeof item === 'string' && item.startsWith('#') ? `${CONTRACT_ID}${item}` : rewrite(item)]),
    );
  };
  return rewrite(schema) as Json;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

// A JSON pointer in a URI fragment: each segment percent-encoded, which Ajv decodes again.
function schemaRef(pointer: string): string {
  return `${CONTRACT_ID}#${pointer.split('/').map(encodeURIComponent).join('/')}`;
}
