// A worker process (the outbox relay, metering) run as its own OS process the way a supervisor
// (systemd, Kubernetes) runs it: restarted whenever it exits, whether the test killed it with -9 or
// it stopped by itself. Its log is kept (last lines) to explain a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const KEPT_LOG_LINES = 40;

export interface SupervisedProcess {
  readonly name: string;
  /** kill -9 while it runs, then started again at once. */
  readonly kills: number;
  /** Exits nobody asked for (each restarted too). */
  readonly unexpectedExits: number;
  /** Resolves once the current instance has logged its ready message. */
  running(): Promise<void>;
  /** kill -9 of the current instance, if it is running; returns whether it was. */
  kill9(): Promise<boolean>;
  stop(): Promise<void>;
  /** The last lines it wrote (stdout and stderr). */
  log(): string;
}

/** Runs `script` (repository-relative) with `node --import tsx`, ready when a log line contains `readyMessage`. */
export function supervise(name: string, script: string, env: Record<string, string>, readyMessage: string): SupervisedProcess {
  const lines: string[] = [];
  let child: ChildProcess;
  let ready: Promise<void>;
  let isRunning = false;
  let stopping = false;
  let killing = false;
  let kills = 0;
  let unexpectedExits = 0;

  const keep = (text: string) => {
    for (const line of text.split('\n')) if (line.trim()) lines.push(`[${name}] ${line}`);
    lines.splice(0, Math.max(0, lines.length - KEPT_LOG_LINES));
  };

  function start(): void {
    isRunning = false;
    child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', keep);
    ready = new Promise<void>((resolve) => {
      child.stdout!.on('data', (text: string) => {
        keep(text);
        if (!isRunning && text.includes(readyMessage)) {
          isRunning = true;
          resolve();
        }
      });
    });
    child.once('exit', (code, signal) => {
      isRunning = false;
      if (stopping || killing) return;
      unexpectedExits += 1;
      keep(`exited by itself (code ${code}, signal ${signal}); restarting`);
      setTimeout(() => !stopping && start(), 200);
    });
  }
  start();

  return {
    name,
    get kills() {
      return kills;
    },
    get unexpectedExits() {
      return unexpectedExits;
    },
    running: () => ready,
    async kill9() {
      if (!isRunning || stopping) return false;
      killing = true;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      kills += 1;
      killing = false;
      start();
      return true;
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    log: () => lines.join('\n'),
  };
}
