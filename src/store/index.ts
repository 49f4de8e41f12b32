export { openStore } from './database.js';
export type { Store } from './database.js';
export type {
  Database,
  CaTable,
  CertificateTable,
  PersonTable,
  EventTable,
  OfficerTable,
  CrlTable,
  ImportProgressTable,
  IsoTime,
} from './schema.js';
export { isUniqueViolation } from './errors.js';
export { notifyChange, listenPostgres, CERT_STATUS_CHANNEL } from './notifications.js';
export type { Subscription } from './notifications.js';
