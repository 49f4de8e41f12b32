/** STIX objects for the CERT exchange tests. */
import { randomUUID } from 'node:crypto';
import { TLP2_MARKINGS } from '../../src/cert/tlp.js';
import type { TlpLevel } from '../../src/cert/tlp.js';

/** An indicator with a fresh id, marked `tlp` (no marking when undefined). */
export function indicator(
  tlp?: TlpLevel,
  o: { id?: string; modified?: string } = {},
): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: o.id ?? `indicator--${randomUUID()}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: o.modified ?? '2026-01-01T00:00:00.000Z',
    name: 'C2 address',
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00Z',
    ...(tlp ? { object_marking_refs: [TLP2_MARKINGS[tlp]] } : {}),
  };
}
