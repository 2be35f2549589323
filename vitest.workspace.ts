// One Vitest project per package and test tier. The tier lives in the file name:
// *.test.ts (pure units), *.int.test.ts (real services), *.e2e.test.ts (browser / whole stack).
import type { TestProjectConfiguration } from 'vitest/config';

const packages = ['packages/platform', 'packages/contract', 'packages/billing-core', 'services/api', 'services/metering', 'sdk', 'web'] as const;
// The shared kernel under packages/ has pure units only (its SQL is exercised by the services' tests),
// except billing-core, whose SQL twin of the billable-interval rule runs the same cases as its TypeScript.
const unitsOnly = new Set<string>(['packages/platform', 'packages/contract']);

const tiers = {
  unit: { include: ['src/**/*.test.ts'], exclude: ['src/**/*.int.test.ts', 'src/**/*.e2e.test.ts'] },
  int: { include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'], exclude: [] },
  e2e: { include: ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'], exclude: [] },
} as const;

// The Remix dashboard keeps its code in app/ and server/ (Remix conventions), not src/.
const webTiers = {
  unit: { include: ['app/**/*.test.ts', 'server/**/*.test.ts'], exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts'] },
  int: { include: ['app/**/*.int.test.ts', 'server/**/*.int.test.ts', 'test/**/*.int.test.ts'], exclude: [] },
  e2e: { include: ['test/**/*.e2e.test.ts'], exclude: [] },
} as const;

// The dashboard compiles the SDK from source (as web/vite.config.ts does), so its tests never
// depend on sdk/dist having been built.
const webResolve = {
  alias: [
    { find: /^@baketsu\/sdk$/, replacement: new URL('./sdk/src/index.node.ts', import.meta.url).pathname },
    { find: /^@baketsu\/sdk\/browser$/, replacement: new URL('./sdk/src/browser.ts', import.meta.url).pathname },
  ],
};

const tierOrder = { unit: 0, int: 1, e2e: 2 } as const;

function tierProject(pkg: (typeof packages)[number], tier: keyof typeof tiers, { include, exclude }: { include: readonly string[]; exclude: readonly string[] }): TestProjectConfiguration {
  return {
    ...(pkg === 'web' ? { resolve: webResolve } : {}),
    test: {
      name: `${pkg.split('/').pop()}:${tier}`,
      root: `./${pkg}`,
      include: [...include],
      exclude: ['**/node_modules/**', ...exclude],
      testTimeout: tier === 'unit' ? 5_000 : 60_000,
      hookTimeout: tier === 'unit' ? 10_000 : 120_000,
      // Integration tiers share a few real servers on 2 cores; keep the pressure bounded. Vitest
      // runs projects with different worker limits in separate groups: units first, then the rest.
      maxWorkers: tier === 'unit' ? undefined : 2,
      sequence: { groupOrder: tierOrder[tier] },
      ...(pkg === 'web' && tier === 'e2e' ? { globalSetup: ['./test/global-setup.ts'] } : {}),
    },
  };
}

export const projects: TestProjectConfiguration[] = [
  // Checks of the repository as a whole (the workspace packages' dependency graph).
  { test: { name: 'workspace:unit', root: '.', include: ['scripts/**/*.test.ts'], sequence: { groupOrder: tierOrder.unit } } },
  ...packages.flatMap((pkg) =>
    (Object.entries(pkg === 'web' ? webTiers : tiers) as Array<[keyof typeof tiers, { include: readonly string[]; exclude: readonly string[] }]>)
      .filter(([tier]) => tier === 'unit' || !unitsOnly.has(pkg))
      .map(([tier, files]) => tierProject(pkg, tier, files)),
  ),
];

export default projects;
