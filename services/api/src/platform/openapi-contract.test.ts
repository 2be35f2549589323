import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConfig, lint } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import { expect, test } from 'vitest';

const specPath = fileURLToPath(new URL('../../../../openapi.yaml', import.meta.url));
const generatedTypesPath = fileURLToPath(new URL('../../../../sdk/src/generated/openapi.ts', import.meta.url));

test('openapi.yaml passes the recommended lint rules', async () => {
  const config = await createConfig({
    extends: ['recommended'],
    rules: {
      // Operational endpoints (healthz, readyz) legitimately have no 4xx answer.
      'operation-4xx-response': 'off',
      // The local development server is the only one we can name in an open-source spec.
      'no-server-example.com': 'off',
    },
  });
  const problems = await lint({ ref: specPath, config });
  const errors = problems.filter((problem) => problem.severity === 'error' || problem.severity === 'warn');
  expect(errors.map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`)).toEqual([]);
});

test('generated types are up to date (run `npm run generate:types`)', async () => {
  const spec = readFileSync(specPath, 'utf8');
  const fresh = astToString(await openapiTS(spec));
  const committed = readFileSync(generatedTypesPath, 'utf8');
  // The CLI prepends a banner; compare the type declarations only.
  expect(committed.slice(committed.indexOf('export '))).toBe(fresh.slice(fresh.indexOf('export ')));
});
