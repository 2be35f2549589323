// The server's view of the types generated from openapi.yaml (`npm run generate:types`). The one
// module that knows where the generated file lives, so moving it changes one import.
import type { components, operations } from '../../../../sdk/src/generated/openapi.js';

export type { components, operations };

export type OperationId = keyof operations;

type JsonOf<Message> = Message extends { content: { 'application/json': infer Json } } ? Json : never;

/** The JSON body an operation accepts. */
export type RequestBody<Op extends OperationId> = JsonOf<NonNullable<operations[Op]['requestBody']>>;

/** The JSON body an operation answers with the given status (by default its first 2xx). */
export type ResponseBody<Op extends OperationId, Status extends SuccessStatus<Op> = SuccessStatus<Op>> = JsonOf<operations[Op]['responses'][Status]>;

type SuccessStatus<Op extends OperationId> = Extract<keyof operations[Op]['responses'], 200 | 201 | 202 | 204>;

/** An operation's query parameters, coerced to their types, with the contract's defaults filled in. */
export type QueryParameters<Op extends OperationId> = NonNullable<operations[Op]['parameters']['query']>;

/** A stable problem `code`, as the contract lists them. */
export type ProblemCode = components['schemas']['Problem']['code'];
