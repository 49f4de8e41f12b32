/**
 * The JSON body of `POST /api/v1/validate` (`{"document": base64, "detached", "at",
 * "reportFormat", "requireTransparency"}`), checked by hand: the route also takes raw bodies,
 * which a schema cannot describe.
 */
import { UsageError } from '../../lib/errors.js';

/** The report formats the route answers. */
export const FORMATS = ['json', 'etsi-xml', 'html'];

/** The JSON body of the route. */
export interface JsonBody {
  document: string;
  detached?: { name?: string; content: string }[];
  at?: string;
  reportFormat?: string;
  requireTransparency?: boolean;
}

const BASE64 = /^[A-Za-z0-9+/=\s]*$/;
const KEYS = new Set(['document', 'detached', 'at', 'reportFormat', 'requireTransparency']);

/** Refuses a malformed body (400 INPUT_MALFORMED). */
export function malformed(why: string): never {
  throw new UsageError('INPUT_MALFORMED', `validate body: ${why}`);
}

/** The JSON body's shape, checked by hand: the route also takes raw bodies, which a schema cannot. */
export function checkJsonBody(body: unknown): JsonBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) malformed('not a JSON object');
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => !KEYS.has(k));
  if (extra) malformed(`unknown property ${extra}`);
  if (typeof b['document'] !== 'string' || !BASE64.test(b['document'])) malformed('document must be base64');
  if (b['at'] !== undefined && typeof b['at'] !== 'string') malformed('at must be a date-time string');
  if (b['requireTransparency'] !== undefined && typeof b['requireTransparency'] !== 'boolean')
    malformed('requireTransparency must be true or false');
  if (b['reportFormat'] !== undefined && !FORMATS.includes(String(b['reportFormat'])))
    malformed(`reportFormat must be one of ${FORMATS.join(', ')}`);
  const detached = b['detached'];
  if (detached !== undefined) {
    if (!Array.isArray(detached) || detached.length > 64)
      malformed('detached must be an array of at most 64');
    for (const d of detached as unknown[]) {
      const o = d as Record<string, unknown> | null;
      if (typeof o?.['content'] !== 'string' || !BASE64.test(o['content']))
        malformed('detached[].content must be base64');
      if (o['name'] !== undefined && typeof o['name'] !== 'string')
        malformed('detached[].name must be a string');
    }
  }
  return b as unknown as JsonBody;
}
