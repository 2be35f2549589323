import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { configSchema } from './config.js';

test('.env.example lists exactly the settings the config schema knows', () => {
  const listed = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
  const known = Object.keys(configSchema.innerType().shape);
  expect([...listed].sort()).toEqual([...known].sort());
});
