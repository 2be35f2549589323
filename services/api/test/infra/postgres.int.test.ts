import { createPool, createTypeParserPreset, sql, type DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireEnv } from './env.js';

const url = requireEnv('TEST_PG_URL');

describe('PostgreSQL (slonik 47)', () => {
  let pool: DatabasePool;

  beforeAll(async () => {
    pool = await createPool(url, {
      maximumPoolSize: 2,
      // slonik's preset parses numeric with parseFloat, which loses digits: money and byte-hour
      // totals must come back as exact strings.
      typeParsers: [
        ...createTypeParserPreset().filter((p) => p.name !== 'numeric'),
        { name: 'numeric', parse: (value: string) => value },
      ],
    });
  });

  afterAll(async () => {
    await pool?.end();
  });

  it('answers select 1', async () => {
    const one = await pool.oneFirst(sql.type(z.object({ one: z.number() }))`select 1 as one`);
    expect(one).toBe(1);
    const version = await pool.oneFirst(sql.type(z.object({ v: z.string() }))`show server_version`);
    expect(version).toMatch(/^15\./);
  });

  it('round-trips 30-digit numerics exactly, through a table and a transaction', async () => {
    const values = ['123456789012345678901234567890', '98765432109876543210.1234567891', '-0.000000000000000000000000000001'];
    const echoed = await pool.oneFirst(sql.type(z.object({ v: z.string() }))`select ${values[0]!}::numeric as v`);
    expect(echoed).toBe(values[0]);

    const stored = await pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`create temporary table infra_numeric (v numeric) on commit drop`);
      for (const v of values) await tx.query(sql.unsafe`insert into infra_numeric (v) values (${v})`);
      const sum = await tx.oneFirst(sql.type(z.object({ s: z.string() }))`select sum(v) as s from infra_numeric`);
      expect(sum).toBe('123456789111111111011111111100.123456789099999999999999999999');
      return tx.manyFirst(sql.type(z.object({ v: z.string() }))`select v from infra_numeric order by v desc`);
    });
    expect(stored).toEqual(values);
  });
});
