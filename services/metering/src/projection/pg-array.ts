/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) for one column of a set-based write, bound as a single
 * text parameter and cast in SQL (`$1::uuid[]`). Letting the driver serialise a JS array escapes and
 * re-checks every element, which cost more than the fold itself.
 *
 * The fast path is `JSON.stringify`: for strings without quotes, backslashes or control characters,
 * for integers and for null, JSON's array text is also a valid array literal (`null` reads as NULL).
 * Any string JSON would escape (its output then holds a backslash) takes the element-wise path,
 * which quotes the way array literals want.
 */
export function pgArray(values: ReadonlyArray<string | number | bigint | null>): string {
  let plain: ReadonlyArray<string | number | null> | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`${value} is not an exact integer`);
    if (typeof value === 'bigint') {
      plain = values.map((v) => (typeof v === 'bigint' ? v.toString() : v));
      break;
    }
  }
  const json = JSON.stringify(plain ?? values);
  if (!json.includes('\\')) return `{${json.slice(1, -1)}}`;
  return `{${values.map(element).join(',')}}`;
}

function element(value: string | number | bigint | null): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `"${value.replace(/["\\]/g, '\\$&')}"`;
  return String(value);
}
