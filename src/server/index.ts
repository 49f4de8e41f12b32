export { buildApp } from './app.js';
export type { AppOptions } from './app.js';
export { serveNode } from './serve.js';
export type { RunningServer } from './serve.js';
export { addOfficer, authenticateOfficer, listOfficers, disableOfficer } from './officers.js';
export type { OfficerRecord, OfficerRole } from './officers.js';
export { MetricsRegistry } from './metrics.js';
