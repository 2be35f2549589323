// `npm ci` in an image needs every workspace's package.json in place (the lockfile names them all),
// and the code of the workspaces the image runs; a new package must not be forgotten in either.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const { workspaces } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };

test.each(['services/api/Dockerfile', 'web/Dockerfile'])('%s copies every workspace manifest before npm ci', (dockerfile) => {
  const lines = readFileSync(path.join(root, dockerfile), 'utf8').split('\n');
  const install = lines.findIndex((line) => line.startsWith('RUN npm ci'));
  expect(install).toBeGreaterThan(0);
  const copied = lines.slice(0, install).join('\n');
  expect(workspaces.filter((workspace) => !copied.includes(`COPY ${workspace}/package.json ${workspace}/`))).toEqual([]);
});

test('the services image carries the shared kernel its services import', () => {
  const dockerfile = readFileSync(path.join(root, 'services/api/Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/^COPY packages packages$/m);
  expect(dockerfile).toMatch(/^COPY services services$/m);
});

// npm (behind npx) does not pass SIGTERM on to its child, so a container stopped by its runtime
// would be killed after the grace period instead of draining; node itself handles the signal.
test.each(['services/api/Dockerfile', 'web/Dockerfile', 'docker-compose.yml'])('%s starts node directly, not through npx', (file) => {
  const text = readFileSync(path.join(root, file), 'utf8');
  expect(text).not.toMatch(/"npx"/);
  expect(text).toMatch(/"node", "--import", "tsx"/);
});

test.each(['services/api/Dockerfile', 'web/Dockerfile'])('%s runs the Node line the project is developed and tested on', (dockerfile) => {
  const text = readFileSync(path.join(root, dockerfile), 'utf8');
  const major = process.versions.node.split('.')[0];
  expect([...text.matchAll(/^FROM node:(\d+)/gm)].map((match) => match[1])).toEqual(expect.arrayContaining([major]));
  expect([...text.matchAll(/^FROM node:(\d+)/gm)].every((match) => match[1] === major)).toBe(true);
});
