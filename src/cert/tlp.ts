/**
 * TLP 2.0 (FIRST, 2022) on STIX 2.1 objects: the marking-definition ids of the TLP 2.0
 * extension, the STIX 2.1 TLP 1.0 ids accepted on import and mapped to TLP 2.0, the level of an
 * object, and the sharing decision of this node:
 *
 * - `TLP:RED` never leaves the CERT (no TAXII reader receives it);
 * - `TLP:AMBER+STRICT` only readers of the CERT's own organisation (`tlp-max amber+strict`);
 * - `TLP:AMBER` only partners named for it (`tlp-max amber`) and the own organisation;
 * - `TLP:GREEN` every partner with `tlp-max green` or above; `TLP:CLEAR` every partner.
 *
 * An object with no TLP marking is handled as `TLP:AMBER` (only partners named for AMBER receive
 * it): sharing unmarked information widely is the mistake that cannot be undone. The TLP marking
 * definitions themselves are public (`TLP:CLEAR`). Several TLP markings (object-level or granular):
 * the most restrictive wins.
 */

/** A TLP 2.0 level, least restrictive first. */
export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** The levels from least to most restrictive. */
export const TLP_LEVELS: readonly TlpLevel[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** The TLP 2.0 extension definition. */
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The TLP 2.0 marking definitions. */
export const TLP2_MARKINGS: Readonly<Record<Exclude<TlpLevel, never>, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** The STIX 2.1 (§7.2.1.4) TLP 1.0 marking definitions and the TLP 2.0 level each maps to. */
export const TLP1_MARKINGS: Readonly<Record<string, TlpLevel>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear', // TLP:WHITE
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
};

const BY_ID: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...Object.entries(TLP2_MARKINGS).map(([level, id]) => [id, level as TlpLevel] as const),
  ...Object.entries(TLP1_MARKINGS),
]);

/** The level of an object that carries no TLP marking (see the module comment). */
export const UNMARKED_LEVEL: TlpLevel = 'amber';

/**
 * The TLP level of marking-definition id `id` (TLP 2.0, or TLP 1.0 mapped), or undefined.
 *
 * @example
 * ```ts
 * tlpOfMarking('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9'); // 'clear' (TLP:WHITE)
 * ```
 */
export function tlpOfMarking(id: string): TlpLevel | undefined {
  return BY_ID.get(id);
}

/** The more restrictive of two levels. */
export function stricter(a: TlpLevel, b: TlpLevel): TlpLevel {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b) ? a : b;
}

/**
 * The TLP level of a STIX object: the most restrictive TLP marking among `object_marking_refs`
 * and `granular_markings`; the TLP marking definitions themselves are `clear`; an object with no
 * TLP marking is {@link UNMARKED_LEVEL}.
 *
 * @example
 * ```ts
 * tlpOf({ type: 'indicator', object_marking_refs: [TLP2_MARKINGS.green] }); // 'green'
 * ```
 */
export function tlpOf(o: Record<string, unknown>): TlpLevel {
  if (typeof o['id'] === 'string' && BY_ID.has(o['id'])) return 'clear';
  let level: TlpLevel | undefined;
  const refs: unknown[] = Array.isArray(o['object_marking_refs'])
    ? [...(o['object_marking_refs'] as unknown[])]
    : [];
  if (Array.isArray(o['granular_markings']))
    for (const g of o['granular_markings'] as unknown[])
      refs.push((g as { marking_ref?: unknown } | null)?.marking_ref);
  for (const ref of refs) {
    const l = typeof ref === 'string' ? BY_ID.get(ref) : undefined;
    if (l) level = level ? stricter(level, l) : l;
  }
  return level ?? UNMARKED_LEVEL;
}

/** The most a reader may receive: a partner's `tlp-max`, or the CERT's own organisation. */
export type TlpClearance = Exclude<TlpLevel, 'red'>;

/**
 * The levels a reader with clearance `max` receives (never `red`).
 *
 * @example
 * ```ts
 * readableLevels('green'); // ['clear', 'green']
 * ```
 */
export function readableLevels(max: TlpClearance): TlpLevel[] {
  return TLP_LEVELS.slice(0, TLP_LEVELS.indexOf(max) + 1);
}

/** True when a reader with clearance `max` may receive an object of level `level`. */
export function mayShare(level: TlpLevel, max: TlpClearance): boolean {
  return level !== 'red' && TLP_LEVELS.indexOf(level) <= TLP_LEVELS.indexOf(max);
}

/** True when `v` is a clearance (`clear`, `green`, `amber`, `amber+strict`). */
export function isClearance(v: unknown): v is TlpClearance {
  return typeof v === 'string' && v !== 'red' && (TLP_LEVELS as readonly string[]).includes(v);
}
