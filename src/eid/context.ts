import type { KeyHolder } from '../pki/key_holder.js';
import type { NodeIdentity } from '../pki/profiles.js';
import type { Store } from '../store/database.js';

/** What the register and the eID lifecycle need from a node. */
export interface EidContext {
  store: Store;
  identity: NodeIdentity;
  /** The eID issuing CA. */
  eidCa: KeyHolder;
  clock: () => Date;
  /** Hours a freshly published CRL is valid. */
  crlValidityHours: number;
}

/** Who performed an operation: the officer id recorded with each event. */
export type Officer = string;
