// Builds the dashboard once before any browser test runs (test files run in parallel and must not
// rebuild web/build under each other's servers). Rebuilds only when app/ or sdk/src changed since the last build.
import { ensureFreshBuild } from './stack.js';

export default async function setup(): Promise<void> {
  await ensureFreshBuild();
}
