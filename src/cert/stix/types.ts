/**
 * The STIX 2.1 object types this node knows (specification §4–§7) and their categories: the
 * reference rules and the schema lookup use them. Any other type is a custom object.
 */

/** STIX Domain Objects (§4). */
export const SDO_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
]);

/** STIX Relationship Objects (§5). */
export const SRO_TYPES: ReadonlySet<string> = new Set(['relationship', 'sighting']);

/** STIX Cyber-observable Objects (§6). */
export const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

/** STIX Meta Objects (§7). */
export const META_TYPES: ReadonlySet<string> = new Set([
  'extension-definition',
  'language-content',
  'marking-definition',
]);

/** The category of a type: a known one, or `custom`. */
export type StixCategory = 'sdo' | 'sro' | 'sco' | 'meta' | 'bundle' | 'custom';

/**
 * The category of STIX type `type`.
 *
 * @example
 * ```ts
 * categoryOf('indicator'); // 'sdo'
 * ```
 */
export function categoryOf(type: string): StixCategory {
  if (SDO_TYPES.has(type)) return 'sdo';
  if (SRO_TYPES.has(type)) return 'sro';
  if (SCO_TYPES.has(type)) return 'sco';
  if (META_TYPES.has(type)) return 'meta';
  return type === 'bundle' ? 'bundle' : 'custom';
}

/** The schema file (relative to the schema folder) of each known type. */
export function schemaFileOf(type: string): string | undefined {
  switch (categoryOf(type)) {
    case 'sdo':
      return `sdos/${type}.json`;
    case 'sro':
      return `sros/${type}.json`;
    case 'sco':
      return `observables/${type}.json`;
    case 'meta':
      return `common/${type}.json`;
    case 'bundle':
      return 'common/bundle.json';
    default:
      return undefined;
  }
}
