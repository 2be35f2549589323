import { requireTestEnv } from '@baketsu/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pgArray } from './pg-array.js';

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: requireTestEnv('TEST_PG_URL') });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

const roundTrip = async (values: Array<string | null>, type = 'text') =>
  (await client.query<{ back: Array<string | null> }>(`select $1::${type}[]::text[] as back`, [pgArray(values)])).rows[0]!.back;

test('PostgreSQL reads back exactly the strings and nulls it was given', async () => {
  const tricky = ['plain', '', 'NULL', 'null', ' spaced ', 'say "hi"', 'back\\slash', '{x,y}', 'line\nbreak', 'tab\t', 'ünïcödé 🙂', '\\"', ',', null];
  expect(await roundTrip(tricky)).toEqual(tricky);
});

test('integers, bigints and null in numeric columns', async () => {
  const back = (await client.query<{ back: string[] }>('select $1::numeric[]::text[] as back', [pgArray([1, -2, 123456789012345678901234567890n, null])])).rows[0]!.back;
  expect(back).toEqual(['1', '-2', '123456789012345678901234567890', null]);
});
