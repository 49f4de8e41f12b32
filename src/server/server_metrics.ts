import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE, registerDefaultMetrics } from './metrics.js';
import type { Counter, Histogram } from './metrics.js';

/** The metrics a node server exposes at `/metrics`. */
export interface ServerMetrics {
  registry: MetricsRegistry;
  contentType: string;
  requests: Counter;
  duration: Histogram;
  ocsp: Counter;
  lifecycle: Counter;
}

/** Creates the node server's metrics. */
export function createServerMetrics(): ServerMetrics {
  const registry = new MetricsRegistry();
  registerDefaultMetrics(registry);
  return {
    registry,
    contentType: PROMETHEUS_CONTENT_TYPE,
    requests: registry.counter('trustbridge_http_requests_total', 'HTTP requests by route and status', [
      'method',
      'route',
      'status',
    ]),
    duration: registry.histogram(
      'trustbridge_http_request_duration_seconds',
      'HTTP request latency',
      undefined,
      ['route'],
    ),
    ocsp: registry.counter('trustbridge_ocsp_responses_total', 'OCSP responses by result', [
      'result',
      'cached',
    ]),
    lifecycle: registry.counter('trustbridge_eid_operations_total', 'eID register and lifecycle operations', [
      'operation',
    ]),
  };
}
