import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { booleanFlag, commaList, ConfigError, parseEnv } from './config.js';

const schema = z.object({ PORT: z.coerce.number().int().default(8000), FLAG: booleanFlag.default('false'), LIST: commaList.optional() });

describe('parseEnv', () => {
  test('applies defaults, treats empty values as unset and freezes the result', () => {
    const config = parseEnv(schema, { PORT: '', FLAG: '1', LIST: ' a, ,b ' });
    expect(config).toEqual({ PORT: 8000, FLAG: true, LIST: ['a', 'b'] });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('names every bad variable in one ConfigError', () => {
    const parse = () => parseEnv(schema, { PORT: 'eighty', FLAG: 'yes' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/PORT: .*\n.*FLAG: /);
  });
});
