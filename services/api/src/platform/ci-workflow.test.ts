import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';

const repoFile = (name: string) => readFileSync(new URL(`../../../../${name}`, import.meta.url), 'utf8');

interface WorkflowStep { name?: string; run?: string }
const workflow = parse(repoFile('.github/workflows/ci.yml')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: WorkflowStep[]; strategy?: { matrix?: { node?: string[] } } }>;
};

/** The commands a shell script runs, without comments, `set` lines or the `cd` into the repo. */
function commandsOf(script: string): string[] {
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('set ') && !line.startsWith('cd '));
}

test('GitHub Actions runs exactly .ci/run on pull requests and pushes, on Node 20 and 22', () => {
  expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run).filter((run): run is string => run !== undefined));
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatch(/(^|\s)bash \.ci\/run$/);
  expect(Object.values(workflow.jobs)[0]?.strategy?.matrix?.node).toEqual(['20', '22']);
});

test(".ci/run runs the README's test command", () => {
  const readmeTestCommand = /^(npm ci && npm test)\s+#/m.exec(repoFile('README.md'))?.[1];
  expect(readmeTestCommand).toBe('npm ci && npm test');
  expect(commandsOf(repoFile('.ci/run'))).toEqual(readmeTestCommand?.split(' && '));
});
