import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_BUCKETS,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
  registerDefaultMetrics,
} from '../../src/server/metrics.js';

const SMALL_REGISTRY_TEXT = [
  '# HELP http_requests_total HTTP requests served.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="GET",status="200"} 3',
  'http_requests_total{method="POST",status="404"} 1',
  '# HELP http_request_duration_seconds Request latency.',
  '# TYPE http_request_duration_seconds histogram',
  'http_request_duration_seconds_bucket{route="/v1/persons",le="0.1"} 1',
  'http_request_duration_seconds_bucket{route="/v1/persons",le="0.5"} 2',
  'http_request_duration_seconds_bucket{route="/v1/persons",le="1"} 2',
  'http_request_duration_seconds_bucket{route="/v1/persons",le="+Inf"} 3',
  'http_request_duration_seconds_sum{route="/v1/persons"} 3.55',
  'http_request_duration_seconds_count{route="/v1/persons"} 3',
  '# HELP eid_import_queue_length Rows waiting to be imported.',
  '# TYPE eid_import_queue_length gauge',
  'eid_import_queue_length 12.5',
  '# HELP eid_persons Registered persons.',
  '# TYPE eid_persons gauge',
  'eid_persons 8',
  '# HELP eid_errors_total Errors.',
  '# TYPE eid_errors_total counter',
  'eid_errors_total 0',
  '',
].join('\n');

test('renders the exact text exposition of a small registry', () => {
  const registry = new MetricsRegistry();
  const requests = registry.counter('http_requests_total', 'HTTP requests served.', ['method', 'status']);
  const latency = registry.histogram(
    'http_request_duration_seconds',
    'Request latency.',
    [0.1, 0.5, 1],
    ['route'],
  );
  const queue = registry.gauge('eid_import_queue_length', 'Rows waiting to be imported.');
  let persons = 7;
  registry.gauge('eid_persons', 'Registered persons.', () => persons);
  registry.counter('eid_errors_total', 'Errors.');

  requests.inc({ method: 'GET', status: 200 });
  requests.inc({ method: 'GET', status: 200 }, 2);
  requests.inc({ status: '404', method: 'POST' });
  latency.observe({ route: '/v1/persons' }, 0.05);
  latency.observe({ route: '/v1/persons' }, 0.5);
  latency.observe({ route: '/v1/persons' }, 3);
  queue.set(12.5);
  persons = 8;

  assert.equal(registry.render(), SMALL_REGISTRY_TEXT);
  assert.equal(requests.get({ method: 'GET', status: 200 }), 3);
  assert.equal(requests.get({ method: 'PUT', status: 200 }), 0);
});

test('unlabelled histogram renders zero buckets before any observation; default buckets', () => {
  const registry = new MetricsRegistry();
  const h = registry.histogram('job_seconds', 'Job duration.');
  assert.deepEqual(h.buckets, DEFAULT_BUCKETS);
  const zero = registry.render().split('\n');
  assert.equal(zero.length, 2 + DEFAULT_BUCKETS.length + 1 + 2 + 1);
  assert.equal(zero[2], 'job_seconds_bucket{le="0.005"} 0');
  assert.equal(zero.at(-4), 'job_seconds_bucket{le="+Inf"} 0');
  assert.equal(zero.at(-3), 'job_seconds_sum 0');
  assert.equal(zero.at(-2), 'job_seconds_count 0');
  h.observe(undefined, 0.005); // le is inclusive
  h.observe(undefined, 11);
  const text = registry.render();
  assert.match(text, /^job_seconds_bucket\{le="0.005"\} 1$/m);
  assert.match(text, /^job_seconds_bucket\{le="10"\} 1$/m);
  assert.match(text, /^job_seconds_bucket\{le="\+Inf"\} 2$/m);
  assert.match(text, /^job_seconds_count 2$/m);
});

test('labelled metrics with no series render only HELP and TYPE', () => {
  const registry = new MetricsRegistry();
  registry.counter('a_total', 'A.', ['x']);
  registry.histogram('b_seconds', 'B.', [1], ['y']);
  assert.equal(
    registry.render(),
    '# HELP a_total A.\n# TYPE a_total counter\n# HELP b_seconds B.\n# TYPE b_seconds histogram\n',
  );
  assert.equal(new MetricsRegistry().render(), '');
});

test('label values and help text are escaped per the spec', () => {
  const registry = new MetricsRegistry();
  registry.counter('odd_total', 'Back\\slash and\nnewline "quotes" stay.', ['v']).inc({ v: 'a\\b"c"\nd' });
  assert.equal(
    registry.render(),
    '# HELP odd_total Back\\\\slash and\\nnewline "quotes" stay.\n' +
      '# TYPE odd_total counter\n' +
      'odd_total{v="a\\\\b\\"c\\"\\nd"} 1\n',
  );
});

test('special values render as +Inf, -Inf and NaN', () => {
  const registry = new MetricsRegistry();
  const g = registry.gauge('g', 'G.');
  for (const [v, s] of [
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
    [-0.25, '-0.25'],
  ] as const) {
    g.set(v);
    assert.equal(registry.render().split('\n')[2], `g ${s}`);
  }
});

test('metric and label names are validated', () => {
  const registry = new MetricsRegistry();
  for (const bad of ['', '1abc', 'has-dash', 'sp ace', 'ünicode']) {
    assert.throws(() => registry.counter(bad, 'x'), TypeError, bad);
  }
  for (const good of ['abc', '_a', 'ns:sub_metric:total', 'A1']) registry.gauge(good, 'x');
  assert.throws(() => registry.gauge('abc', 'again'), /already registered/);
  assert.throws(() => registry.counter('c1', 'x', ['bad-label']), TypeError);
  assert.throws(() => registry.counter('c2', 'x', ['__reserved']), TypeError);
  assert.throws(() => registry.counter('c3', 'x', ['a:b']), TypeError);
  assert.throws(() => registry.counter('c4', 'x', ['a', 'a']), TypeError);
  assert.throws(() => registry.histogram('h1', 'x', [1], ['le']), TypeError);
});

test('wrong labels, negative increments and bad buckets are programming errors', () => {
  const registry = new MetricsRegistry();
  const c = registry.counter('c_total', 'C.', ['a']);
  assert.throws(() => c.inc(), TypeError);
  assert.throws(() => c.inc({ b: '1' }), TypeError);
  assert.throws(() => c.inc({ a: '1', b: '2' }), TypeError);
  assert.throws(() => c.inc({ a: '1' }, -1), RangeError);
  assert.throws(() => c.inc({ a: '1' }, Number.NaN), RangeError);
  const plain = registry.counter('p_total', 'P.');
  assert.throws(() => plain.inc({ a: '1' }), TypeError);
  plain.inc(undefined, 2.5);
  assert.equal(plain.get(), 2.5);
  assert.throws(() => registry.histogram('h_a', 'x', [1, 1]), RangeError);
  assert.throws(() => registry.histogram('h_b', 'x', [2, 1]), RangeError);
  assert.throws(() => registry.histogram('h_c', 'x', [Number.NaN]), RangeError);
  const h = registry.histogram('h_d', 'x', [1, Number.POSITIVE_INFINITY]);
  assert.deepEqual(h.buckets, [1]);
  assert.throws(() => h.observe(undefined, Number.NaN), RangeError);
});

test('registerDefaultMetrics adds process and heap gauges', () => {
  const registry = new MetricsRegistry();
  registerDefaultMetrics(registry);
  const text = registry.render();
  const value = (name: string): number => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    assert.ok(m, `${name} missing`);
    return Number(m[1]);
  };
  assert.match(text, /^# TYPE process_start_time_seconds gauge$/m);
  const start = value('process_start_time_seconds');
  assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - process.uptime() - 60, String(start));
  assert.ok(value('nodejs_heap_used_bytes') > 0);
  assert.ok(value('nodejs_heap_total_bytes') >= value('nodejs_heap_used_bytes'));
  assert.ok(value('process_resident_memory_bytes') > 0);
  assert.ok(value('nodejs_external_memory_bytes') >= 0);
  assert.throws(() => registerDefaultMetrics(registry), /already registered/);
  assert.equal(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
});
