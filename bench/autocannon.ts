import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * Drives load from a second process, so the load generator never competes with the server for
 * its event loop. Traffic goes to loopback only and stops after `seconds`.
 */
export async function loadTest(options: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  seconds?: number;
}): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(options.url)) throw new Error('benchmarks only target loopback');
  const args = [autocannonCli, '--json', '-c', String(options.connections ?? 32), '-d', String(options.seconds ?? 8)];
  args.push('-m', options.method ?? 'GET');
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (options.body !== undefined) args.push('-b', options.body);
  args.push(options.url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    requestsPerSecond: report.requests.average,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    non2xx: report.non2xx,
    errors: report.errors,
  };
}

export function formatResult(label: string, result: LoadResult): string {
  return `${label.padEnd(28)} ${result.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(result.p50Ms).padStart(4)} ms   p99 ${String(result.p99Ms).padStart(4)} ms   non-2xx ${result.non2xx}   errors ${result.errors}`;
}

export interface Comparison {
  baseline: LoadResult;
  candidate: LoadResult;
  /** The median of the round ratios: each round's pair ran back to back, under the same conditions. */
  ratio: number;
  /** The same ratio round by round, to show how steady the machine was. */
  roundRatios: number[];
}

/**
 * Runs the baseline and the candidate in alternating rounds (after a warm-up of each), so load
 * from anything else on the machine falls on both sides alike; reports the round whose ratio is
 * the median.
 */
export async function compareWithBaseline(options: {
  baseline: Parameters<typeof loadTest>[0];
  candidate: Parameters<typeof loadTest>[0];
  rounds?: number;
  seconds?: number;
}): Promise<Comparison> {
  const rounds = options.rounds ?? 5;
  const seconds = options.seconds ?? 4;
  await loadTest({ ...options.baseline, seconds: 2 });
  await loadTest({ ...options.candidate, seconds: 2 });
  const baselineRounds: LoadResult[] = [];
  const candidateRounds: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    baselineRounds.push(await loadTest({ ...options.baseline, seconds }));
    candidateRounds.push(await loadTest({ ...options.candidate, seconds }));
  }
  const roundRatios = candidateRounds.map((result, round) => result.requestsPerSecond / baselineRounds[round]!.requestsPerSecond);
  const medianRound = [...roundRatios.keys()].sort((a, b) => roundRatios[a]! - roundRatios[b]!)[Math.floor(rounds / 2)]!;
  return {
    baseline: baselineRounds[medianRound]!,
    candidate: candidateRounds[medianRound]!,
    ratio: roundRatios[medianRound]!,
    roundRatios,
  };
}

export function formatComparison(labels: { baseline: string; candidate: string; target: number }, comparison: Comparison): string {
  const { ratio, roundRatios } = comparison;
  return [
    formatResult(labels.baseline, comparison.baseline),
    formatResult(labels.candidate, comparison.candidate),
    `ratio ${labels.candidate} : ${labels.baseline} = ${ratio.toFixed(2)} (median round, shown above; per round ${roundRatios.map((r) => r.toFixed(2)).join(', ')})` +
      ` target >= ${labels.target.toFixed(2)} ${ratio >= labels.target ? 'MET' : 'NOT MET'}`,
  ].join('\n');
}
