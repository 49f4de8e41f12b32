/**
 * A tiny, dependency-free Prometheus registry rendering the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Counters, histograms and
 * gauges only; metrics render in registration order, series in first-use order.
 */

/** Label values of one series, keyed by label name. Numbers are rendered with `String()`. */
export type LabelValues = Readonly<Record<string, string | number>>;

/** `Content-Type` of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Default histogram buckets, in seconds (the Prometheus client defaults). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What the registry needs from every metric. */
interface Metric {
  readonly name: string;
  /** Sample lines, without `# HELP` / `# TYPE`. */
  samples(): string[];
}

/** Formats a sample value: `+Inf`, `-Inf` and `NaN` spelled as Prometheus expects. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Escapes backslash and line feed (HELP text), and double quotes too in label values. */
function escape(text: string, quotes: boolean): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return quotes ? escaped.replace(/"/g, '\\"') : escaped;
}

/** `{a="x",b="y"}`, or '' when there are no labels. */
function formatLabels(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((n, i) => `${n}="${escape(values[i]!, true)}"`).join(',')}}`;
}

function checkMetricName(name: string): void {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw new TypeError(`invalid metric name ${JSON.stringify(name)}`);
  }
}

function checkLabelNames(names: readonly string[], reserved: readonly string[] = []): string[] {
  const bad = names.find((n) => !LABEL_NAME.test(n) || n.startsWith('__') || reserved.includes(n));
  if (bad !== undefined) throw new TypeError(`invalid label name ${JSON.stringify(bad)}`);
  if (new Set(names).size !== names.length) throw new TypeError('duplicate label name');
  return [...names];
}

/** Values of `labels` in `names` order; throws unless exactly the declared labels are given. */
function labelValuesOf(metric: string, names: readonly string[], labels: LabelValues | undefined): string[] {
  const given = labels === undefined ? [] : Object.keys(labels);
  const ok = given.length === names.length && names.every((n) => given.includes(n));
  if (!ok) {
    throw new TypeError(`${metric}: expected labels [${names.join(', ')}], got [${given.join(', ')}]`);
  }
  return names.map((n) => String(labels![n]));
}

/** Series of one metric, keyed by their label values, in first-use order. */
class SeriesMap<T> {
  private readonly map = new Map<string, { values: string[]; data: T }>();

  get(values: string[], create: () => T): T {
    const key = JSON.stringify(values);
    const entry = this.map.get(key) ?? { values, data: create() };
    this.map.set(key, entry);
    return entry.data;
  }

  find(values: string[]): T | undefined {
    return this.map.get(JSON.stringify(values))?.data;
  }

  /** All series; an unlabelled metric with none yet gets one `fallback` series. */
  entries(fallback?: () => T): { values: string[]; data: T }[] {
    if (this.map.size === 0 && fallback !== undefined) return [{ values: [], data: fallback() }];
    return [...this.map.values()];
  }
}

/**
 * A monotonically increasing counter, optionally split by labels. Create it with
 * {@link MetricsRegistry.counter}.
 *
 * @example
 * ```ts
 * const requests = registry.counter('http_requests_total', 'HTTP requests', ['method', 'status']);
 * requests.inc({ method: 'GET', status: 200 });
 * ```
 */
export class Counter implements Metric {
  readonly name: string;
  readonly labelNames: readonly string[];
  private readonly series = new SeriesMap<{ value: number }>();

  /**
   * @param name - metric name, e.g. `http_requests_total`
   * @param labelNames - names of the labels every `inc` must give
   */
  constructor(name: string, labelNames: readonly string[] = []) {
    checkMetricName(name);
    this.name = name;
    this.labelNames = checkLabelNames(labelNames);
  }

  /**
   * Adds `n` to the series selected by `labels`.
   *
   * @param labels - exactly the declared labels (omit when there are none)
   * @param n - amount, finite and ≥ 0 (default 1)
   * @throws RangeError when `n` is negative or not finite; TypeError on wrong labels
   * @example `counter.inc(); labelled.inc({ outcome: 'ok' }, 3);`
   */
  inc(labels?: LabelValues, n = 1): void {
    if (!Number.isFinite(n) || n < 0)
      throw new RangeError(`${this.name}: counters only go up by finite amounts`);
    const values = labelValuesOf(this.name, this.labelNames, labels);
    this.series.get(values, () => ({ value: 0 })).value += n;
  }

  /**
   * Current value of the series selected by `labels` (0 when never incremented).
   *
   * @param labels - exactly the declared labels (omit when there are none)
   * @example `counter.get({ outcome: 'ok' }); // 3`
   */
  get(labels?: LabelValues): number {
    return this.series.find(labelValuesOf(this.name, this.labelNames, labels))?.value ?? 0;
  }

  /** @internal */
  samples(): string[] {
    const fallback = this.labelNames.length === 0 ? () => ({ value: 0 }) : undefined;
    return this.series
      .entries(fallback)
      .map(
        ({ values, data }) =>
          `${this.name}${formatLabels(this.labelNames, values)} ${formatValue(data.value)}`,
      );
  }
}

interface HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is the +Inf overflow. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram of observations (typically durations in seconds) with cumulative buckets. Create it
 * with {@link MetricsRegistry.histogram}.
 *
 * @example
 * ```ts
 * const latency = registry.histogram('http_request_duration_seconds', 'Request latency');
 * latency.observe(undefined, 0.042);
 * ```
 */
export class Histogram implements Metric {
  readonly name: string;
  readonly buckets: readonly number[];
  readonly labelNames: readonly string[];
  private readonly series = new SeriesMap<HistogramSeries>();

  /**
   * @param name - metric name, e.g. `http_request_duration_seconds`
   * @param buckets - strictly increasing finite upper bounds; `+Inf` is implicit (default {@link DEFAULT_BUCKETS})
   * @param labelNames - names of the labels every `observe` must give (`le` is reserved)
   */
  constructor(
    name: string,
    buckets: readonly number[] = DEFAULT_BUCKETS,
    labelNames: readonly string[] = [],
  ) {
    checkMetricName(name);
    const bounds = buckets.at(-1) === Number.POSITIVE_INFINITY ? buckets.slice(0, -1) : [...buckets];
    if (!bounds.every((b, i) => Number.isFinite(b) && (i === 0 || b > bounds[i - 1]!))) {
      throw new RangeError(`${name}: buckets must be finite and strictly increasing`);
    }
    this.name = name;
    this.buckets = bounds;
    this.labelNames = checkLabelNames(labelNames, ['le']);
  }

  /**
   * Records one observation in the series selected by `labels`.
   *
   * @param labels - exactly the declared labels, or `undefined` when there are none
   * @param seconds - the observed value
   * @throws RangeError when `seconds` is NaN; TypeError on wrong labels
   * @example
   * ```ts
   * latency.observe({ route: '/v1/persons' }, (performance.now() - start) / 1000);
   * ```
   */
  observe(labels: LabelValues | undefined, seconds: number): void {
    if (typeof seconds !== 'number' || Number.isNaN(seconds))
      throw new RangeError(`${this.name}: NaN observed`);
    const values = labelValuesOf(this.name, this.labelNames, labels);
    const series = this.series.get(values, () => this.emptySeries());
    const index = this.buckets.findIndex((le) => seconds <= le);
    series.counts[index === -1 ? this.buckets.length : index]!++;
    series.sum += seconds;
    series.count++;
  }

  /** @internal */
  samples(): string[] {
    const fallback = this.labelNames.length === 0 ? () => this.emptySeries() : undefined;
    return this.series.entries(fallback).flatMap(({ values, data }) => this.seriesSamples(values, data));
  }

  private emptySeries(): HistogramSeries {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  private seriesSamples(values: string[], data: HistogramSeries): string[] {
    const withLe = [...this.labelNames, 'le'];
    const lines: string[] = [];
    let cumulative = 0;
    [...this.buckets, Number.POSITIVE_INFINITY].forEach((le, i) => {
      cumulative += data.counts[i]!;
      lines.push(`${this.name}_bucket${formatLabels(withLe, [...values, formatValue(le)])} ${cumulative}`);
    });
    const labels = formatLabels(this.labelNames, values);
    lines.push(
      `${this.name}_sum${labels} ${formatValue(data.sum)}`,
      `${this.name}_count${labels} ${data.count}`,
    );
    return lines;
  }
}

/**
 * A value that goes up and down: either `set` explicitly or read from a `collect` callback at
 * every render. Create it with {@link MetricsRegistry.gauge}.
 *
 * @example
 * ```ts
 * registry.gauge('eid_import_queue_length', 'Rows waiting', () => queue.length);
 * ```
 */
export class Gauge implements Metric {
  readonly name: string;
  private value = 0;
  private readonly collect: (() => number) | undefined;

  /**
   * @param name - metric name
   * @param collect - called at render time for the current value (overrides `set`)
   */
  constructor(name: string, collect?: () => number) {
    checkMetricName(name);
    this.name = name;
    this.collect = collect;
  }

  /**
   * Sets the gauge's value.
   *
   * @param v - new value
   * @example `gauge.set(42);`
   */
  set(v: number): void {
    this.value = v;
  }

  /** @internal */
  samples(): string[] {
    return [`${this.name} ${formatValue(this.collect?.() ?? this.value)}`];
  }
}

/**
 * A set of metrics rendered together as Prometheus text format 0.0.4. Names are unique within a
 * registry and must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
 *
 * @example
 * ```ts
 * const registry = new MetricsRegistry();
 * registerDefaultMetrics(registry);
 * const issued = registry.counter('eid_certificates_issued_total', 'Certificates issued');
 * issued.inc();
 * reply.header('content-type', PROMETHEUS_CONTENT_TYPE).send(registry.render());
 * ```
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, { type: string; help: string; metric: Metric }>();

  /**
   * Registers a counter.
   *
   * @param name - metric name (conventionally ending in `_total`)
   * @param help - one-line description
   * @param labelNames - label names, if the counter is split by labels
   * @throws TypeError on an invalid or already registered name
   * @example `registry.counter('eid_imports_total', 'Import runs', ['outcome']).inc({ outcome: 'ok' });`
   */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter {
    return this.add('counter', help, new Counter(name, labelNames));
  }

  /**
   * Registers a histogram.
   *
   * @param name - metric name (conventionally ending in `_seconds`)
   * @param help - one-line description
   * @param buckets - bucket upper bounds (default {@link DEFAULT_BUCKETS})
   * @param labelNames - label names, if the histogram is split by labels
   * @throws TypeError on an invalid or already registered name; RangeError on bad buckets
   * @example `registry.histogram('ocsp_response_seconds', 'OCSP latency', [0.01, 0.1, 1]).observe(undefined, 0.02);`
   */
  histogram(
    name: string,
    help: string,
    buckets?: readonly number[],
    labelNames?: readonly string[],
  ): Histogram {
    return this.add('histogram', help, new Histogram(name, buckets, labelNames));
  }

  /**
   * Registers a gauge.
   *
   * @param name - metric name
   * @param help - one-line description
   * @param collect - optional callback giving the value at render time
   * @throws TypeError on an invalid or already registered name
   * @example `registry.gauge('eid_persons', 'Registered persons', () => countPersons());`
   */
  gauge(name: string, help: string, collect?: () => number): Gauge {
    return this.add('gauge', help, new Gauge(name, collect));
  }

  /**
   * Renders every metric (`# HELP`, `# TYPE` and samples), ending with a line feed.
   *
   * @returns the exposition text; serve it with {@link PROMETHEUS_CONTENT_TYPE}
   * @example `const text = registry.render();`
   */
  render(): string {
    const lines: string[] = [];
    for (const { type, help, metric } of this.metrics.values()) {
      lines.push(
        `# HELP ${metric.name} ${escape(help, false)}`,
        `# TYPE ${metric.name} ${type}`,
        ...metric.samples(),
      );
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  private add<M extends Metric>(type: string, help: string, metric: M): M {
    if (this.metrics.has(metric.name)) throw new TypeError(`metric ${metric.name} is already registered`);
    this.metrics.set(metric.name, { type, help: String(help), metric });
    return metric;
  }
}

/** When the process started, in seconds since the epoch. */
const START_SECONDS = Math.round(performance.timeOrigin) / 1000;
const memory = (): NodeJS.MemoryUsage => process.memoryUsage();

/** Default process gauges: name, help, value. */
const DEFAULT_GAUGES: readonly (readonly [string, string, () => number])[] = [
  ['process_start_time_seconds', 'Process start time, seconds since the unix epoch.', () => START_SECONDS],
  ['process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss()],
  ['nodejs_heap_used_bytes', 'V8 heap used in bytes.', () => memory().heapUsed],
  ['nodejs_heap_total_bytes', 'V8 heap allocated in bytes.', () => memory().heapTotal],
  ['nodejs_external_memory_bytes', 'C++ objects bound to JS, in bytes.', () => memory().external],
];

/**
 * Registers the usual process gauges: `process_start_time_seconds`,
 * `process_resident_memory_bytes`, `nodejs_heap_used_bytes`, `nodejs_heap_total_bytes` and
 * `nodejs_external_memory_bytes`.
 *
 * @param registry - registry to add them to (each name only once per registry)
 * @example
 * ```ts
 * registerDefaultMetrics(registry);
 * ```
 */
export function registerDefaultMetrics(registry: MetricsRegistry): void {
  for (const [name, help, collect] of DEFAULT_GAUGES) registry.gauge(name, help, collect);
}
