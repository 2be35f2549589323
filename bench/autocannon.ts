import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  seconds?: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

let generator: ChildProcess | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (result: LoadResult) => void; reject: (error: Error) => void }>();

/** One load-generator process for the whole benchmark (see load-generator.ts); it never keeps this one alive. */
function loadGenerator(): ChildProcess {
  if (generator) return generator;
  const child = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.result) waiting?.resolve(message.result);
    else waiting?.reject(new Error(message.error ?? 'load generator failed'));
  });
  child.on('exit', (code) => {
    generator = undefined;
    for (const waiting of pending.values()) waiting.reject(new Error(`load generator exited with ${code}`));
    pending.clear();
  });
  child.unref();
  child.channel?.unref();
  generator = child;
  return child;
}

/**
 * Drives load from a second process, so the load generator never competes with the server for
 * its event loop. Traffic goes to loopback only and stops after `seconds`.
 */
export async function loadTest(options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(options.url)) throw new Error('benchmarks only target loopback');
  const child = loadGenerator();
  const id = nextId++;
  const result = new Promise<LoadResult>((resolve, reject) => pending.set(id, { resolve, reject }));
  // While a load runs, the channel must hold this process up.
  child.channel?.ref();
  child.send({ id, options });
  try {
    return await result;
  } finally {
    if (pending.size === 0) child.channel?.unref();
  }
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
