/**
 * The CERT alert queue in the officer API (`/api/v1/alerts`, issue 16 part 7): alerts raised
 * when a received STIX object names a certificate of this node. Registrars and supervisors
 * list them; supervisors acknowledge, act (suspend the eID certificate, or propose withdrawing a
 * CA's services) or dismiss them.
 */
import type { FastifyInstance } from 'fastify';
import { acknowledgeAlert, actOnAlert, dismissAlert } from '../../cert/alerts/actions.js';
import { ALERT_STATUSES, listAlerts } from '../../cert/alerts/alert_store.js';
import type { AlertStatus } from '../../cert/schema.js';
import type { EidContext } from '../../eid/context.js';
import type { NodeContext } from '../../node/context.js';
import { requireRole, roleHook } from './api.js';

const ALERT_ID = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^alert--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
  },
} as const;
const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...ALERT_STATUSES, 'all'] },
    limit: { type: 'integer', minimum: 1, maximum: 5000 },
  },
} as const;
const NOTE = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const OPTIONAL_NOTE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { note: NOTE },
} as const;
const NOTE_BODY = {
  type: 'object',
  required: ['note'],
  additionalProperties: false,
  properties: { note: NOTE },
} as const;
const ALERT = { description: 'the alert', type: 'object', additionalProperties: true } as const;
const ACTED = {
  description:
    'the alert, acted on: `suspended` lists the eID certificates suspended; for a CA, `operatorAction` is the command that withdraws its services',
  type: 'object',
  additionalProperties: true,
} as const;

/**
 * Registers the alert routes on the officer API scope (its onRequest hook has authenticated the officer).
 *
 * @example
 * ```ts
 * registerAlertRoutes(api, node, eidContextOf(node));
 * ```
 */
export function registerAlertRoutes(api: FastifyInstance, node: NodeContext, eid: EidContext): void {
  const tags = ['cert'];
  api.get(
    '/alerts',
    {
      schema: {
        summary: 'CERT alerts: received STIX objects naming a certificate of this node (newest first)',
        tags,
        querystring: LIST_QUERY,
        response: {},
      },
    },
    async (req) => {
      requireRole(req, 'registrar');
      const q = req.query as { status?: AlertStatus | 'all'; limit?: number };
      return {
        alerts: await listAlerts(node.store, {
          ...(q.status && q.status !== 'all' ? { status: q.status } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      };
    },
  );
  const decide = (
    path: string,
    summary: string,
    body: typeof NOTE_BODY | typeof OPTIONAL_NOTE_BODY,
    response: typeof ALERT | typeof ACTED,
    run: (id: string, officer: string, note: string | undefined) => Promise<unknown>,
  ) =>
    api.post(
      `/alerts/:id/${path}`,
      {
        preParsing: roleHook('supervisor'),
        schema: { summary, tags, params: ALERT_ID, body, response: { 200: response } },
      },
      async (req) => {
        const officer = requireRole(req, 'supervisor');
        const note = (req.body as { note?: string } | undefined)?.note;
        return run((req.params as { id: string }).id, officer.id, note);
      },
    );
  decide(
    'acknowledge',
    'Acknowledge an open alert (under review)',
    OPTIONAL_NOTE_BODY,
    ALERT,
    (id, officer, note) => acknowledgeAlert(node.store, id, { officer, note }, node.clock()),
  );
  decide(
    'act',
    "Act on an alert: suspend the eID certificate it names, or propose withdrawing the CA's services",
    OPTIONAL_NOTE_BODY,
    ACTED,
    (id, officer, note) => actOnAlert(eid, id, { officer, note }),
  );
  decide('dismiss', 'Dismiss an alert, with a note saying why', NOTE_BODY, ALERT, (id, officer, note) =>
    dismissAlert(node.store, id, { officer, note }, node.clock()),
  );
}
