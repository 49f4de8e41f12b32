import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBar } from '../../src/cli/progress.js';

class FakeStream {
  readonly writes: string[] = [];
  readonly isTTY: boolean;
  constructor(isTTY: boolean) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
}

class FakeClock {
  t = 1_000_000;
  readonly now = (): number => this.t;
}

test('TTY: draws the bar with \\r, rate and ETA', () => {
  const stream = new FakeStream(true);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 10_000, stream, label: 'import', now: clock.now });
  clock.t += 3_000;
  bar.tick(4500);
  assert.deepEqual(stream.writes, ['\rimport [#####.....] 45% 4500/10000 1500/s ETA 4s']);
});

test('TTY: redraws at most every 100 ms', () => {
  const stream = new FakeStream(true);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 100, stream, now: clock.now });
  clock.t += 1000;
  bar.tick(); // first tick draws
  clock.t += 50;
  bar.tick(); // too soon
  clock.t += 49;
  bar.tick(); // 99 ms since the draw: still too soon
  clock.t += 1;
  bar.tick(); // 100 ms: draws
  assert.equal(stream.writes.length, 2);
  assert.equal(stream.writes[0], '\r[..........] 1% 1/100 1/s ETA 1m39s');
  assert.equal(stream.writes[1], '\r[..........] 4% 4/100 4/s ETA 24s  ' /* padded over 1m39s */);
  for (let i = 0; i < 1000; i++) bar.tick(0);
  assert.equal(stream.writes.length, 2);
});

test('TTY: done() draws the final state and ends the line; later calls are ignored', () => {
  const stream = new FakeStream(true);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 20, stream, label: 'sign', now: clock.now });
  clock.t += 2_000;
  bar.tick(20);
  bar.done();
  bar.done();
  bar.tick();
  assert.deepEqual(stream.writes, [
    '\rsign [##########] 100% 20/20 10/s ETA 0s',
    '\rsign [##########] 100% 20/20 10/s ETA 0s',
    '\n',
  ]);
});

test('TTY: a shorter line blanks the leftovers of the previous one', () => {
  const stream = new FakeStream(true);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 1000, stream, now: clock.now });
  clock.t += 100;
  bar.tick(1); // rate 10/s, ETA 1m40s
  clock.t += 900;
  bar.tick(8); // rate 9/s: one character shorter
  const [first, second] = stream.writes as [string, string];
  assert.equal(first, '\r[..........] 0% 1/1000 10/s ETA 1m40s');
  assert.equal(second, '\r[..........] 0% 9/1000 9/s ETA 1m51s ');
});

test('TTY: unknown ETA before time has passed, long ETAs in hours', () => {
  const stream = new FakeStream(true);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 1_000_000, stream, now: clock.now });
  bar.tick();
  clock.t += 1000;
  bar.tick();
  assert.deepEqual(stream.writes, [
    '\r[..........] 0% 1/1000000 0/s ETA ?',
    '\r[..........] 0% 2/1000000 2/s ETA 138h53m',
  ]);
});

test('not a TTY: silent on ticks, one summary line on done()', () => {
  const stream = new FakeStream(false);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 10_000, stream, label: 'import', now: clock.now });
  for (let i = 0; i < 10_000; i++) {
    clock.t += 1;
    bar.tick();
  }
  assert.deepEqual(stream.writes, []);
  bar.done();
  bar.done();
  assert.deepEqual(stream.writes, ['import 10000/10000 in 10.0s (1000/s)\n']);
});

test('isTTY missing counts as not a TTY; zero total and no label', () => {
  const writes: string[] = [];
  const stream = { write: (s: string): boolean => writes.push(s) > 0 };
  const bar = new ProgressBar({ total: 0, stream, now: () => 0 });
  bar.tick();
  bar.done();
  assert.deepEqual(writes, ['1/0 in 0.0s (0/s)\n']);
});

test('a negative or non-finite total is a programming error', () => {
  assert.throws(() => new ProgressBar({ total: -1 }), RangeError);
  assert.throws(() => new ProgressBar({ total: Number.NaN }), RangeError);
});
