export { buildApp } from './app.js';
export type { AppOptions } from './app.js';
export { serveNode } from './serve.js';
export type { RunningServer } from './serve.js';
export { buildHubApp, serveHub } from './hub_app.js';
export type { RunningHub } from './hub_app.js';
export { MetricsRegistry } from './metrics.js';
