import { expect, it } from 'vitest';
import { ProgressTracker, type UploadProgress } from './progress.js';

it('never goes backwards on a retried part, caps at the part length and ends at total', () => {
  let now = 0;
  const events: UploadProgress[] = [];
  const progress = new ProgressTracker(3 * 1024 * 1024, (p) => events.push(p), () => now);
  progress.start();
  progress.update(1, 512 * 1024, 1024 * 1024);
  progress.update(1, 100, 1024 * 1024); // retry of part 1 starts again from 0
  progress.update(2, 5 * 1024 * 1024, 1024 * 1024);
  now += 150;
  progress.update(3, 10, 1024 * 1024);
  progress.finish();
  expect(events.map((e) => e.loaded)).toEqual([0, 512 * 1024, 1536 * 1024, 1536 * 1024 + 10, 3 * 1024 * 1024]);
});

it('throttles small steps to one event per 256 KiB or 100 ms', () => {
  let now = 0;
  const events: UploadProgress[] = [];
  const progress = new ProgressTracker(10 * 1024 * 1024, (p) => events.push(p), () => now);
  progress.start();
  for (let sent = 16 * 1024; sent <= 1024 * 1024; sent += 16 * 1024) progress.update(1, sent, 10 * 1024 * 1024);
  expect(events.map((e) => e.loaded)).toEqual([0, 256 * 1024, 512 * 1024, 768 * 1024, 1024 * 1024]);
  now += 100;
  progress.update(1, 1024 * 1024 + 1, 10 * 1024 * 1024);
  expect(events.at(-1)!.loaded).toBe(1024 * 1024 + 1);
});
