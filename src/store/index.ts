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
