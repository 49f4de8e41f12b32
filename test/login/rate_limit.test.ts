import { test } from 'node:test';
import { RateLimiter } from '../../src/login/rate_limit.js';
import { throwsCode } from '../fixtures/assert.js';

test('the token bucket refuses a burst beyond its size and refills over time', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perSecond: 1, now: () => now });
  for (let i = 0; i < 3; i++) limiter.take('10.0.0.1');
  throwsCode(() => limiter.take('10.0.0.1'), 'LOGIN_RATE_LIMITED');
  limiter.take('10.0.0.2');
  now += 1000;
  limiter.take('10.0.0.1');
  throwsCode(() => limiter.take('10.0.0.1'), 'LOGIN_RATE_LIMITED');
});

test('the limiter forgets the least recently seen addresses beyond its bound', () => {
  const limiter = new RateLimiter({ burst: 1, perSecond: 0.001, maxKeys: 2, now: () => 0 });
  limiter.take('a');
  limiter.take('b');
  limiter.take('c');
  limiter.take('a');
});
