// One Vitest project per package and test tier. The tier lives in the file name:
// *.test.ts (pure units), *.int.test.ts (real services), *.e2e.test.ts (browser / whole stack).
import type { TestProjectConfiguration } from 'vitest/config';

const packages = ['services/api', 'services/metering', 'sdk', 'web'] as const;

const tiers = {
  unit: { include: ['src/**/*.test.ts'], exclude: ['src/**/*.int.test.ts', 'src/**/*.e2e.test.ts'] },
  int: { include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'], exclude: [] },
  e2e: { include: ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'], exclude: [] },
} as const;

export const projects: TestProjectConfiguration[] = packages.flatMap((pkg) =>
  Object.entries(tiers).map(([tier, { include, exclude }]) => ({
    test: {
      name: `${pkg.split('/').pop()}:${tier}`,
      root: `./${pkg}`,
      include: [...include],
      exclude: ['**/node_modules/**', ...exclude],
      testTimeout: tier === 'unit' ? 5_000 : 60_000,
      hookTimeout: tier === 'unit' ? 10_000 : 120_000,
      // Integration tiers share a few real servers on 2 cores; keep the pressure bounded.
      maxWorkers: tier === 'unit' ? undefined : 2,
    },
  })),
);

export default projects;
