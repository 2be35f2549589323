import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

type Conditions = { [condition: string]: string | Conditions };
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | Conditions>;
  typesVersions?: Record<string, Record<string, string[]>>;
};

// TypeScript's legacy `moduleResolution: node` (node10) ignores `exports`; without `typesVersions`
// `@baketsu/sdk/browser` and `@baketsu/sdk/openapi` have no types there. node10 resolves like
// `require`, so each subpath maps to its `require` types, as the root's `types` (a .d.cts) does.
it('maps every exported subpath to its types for node10 resolution', () => {
  const subpaths = Object.entries(pkg.exports).filter(([subpath, target]) => subpath !== '.' && typeof target !== 'string');
  expect(subpaths.map(([subpath]) => subpath)).toEqual(['./browser', './openapi']);
  const expected = Object.fromEntries(subpaths.map(([subpath, target]) => [subpath.slice(2), [((target as Conditions).require as Conditions).types]]));
  expect(pkg.typesVersions?.['*']).toEqual(expected);
});
