import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import { toPem } from '../../lib/pem.js';
import type { EidContext } from '../../eid/context.js';
import { enrolPerson, issueCertificates } from '../../eid/issuance.js';
import type { CsrPair, IssuanceResult } from '../../eid/issuance.js';
import { parseRevocationReason, renew, resume, revoke, suspend } from '../../eid/lifecycle.js';
import type { Target } from '../../eid/lifecycle.js';
import type { PersonInput } from '../../eid/person.js';
import { getPerson, getPersonWithCertificates, registerPerson } from '../../eid/register.js';
import { listPersonEvents } from '../../eid/register_store/index.js';
import { acceptReview, listReviews, rejectReview } from '../../eid/review.js';
import type { ReviewStatus } from '../../store/schema.js';
import type { NodeContext } from '../../node/context.js';
import { authenticateOfficer, officerMay } from '../../node/officers.js';
import type { OfficerRecord, OfficerRole } from '../../node/officers.js';
import type { ServerMetrics } from '../server_metrics.js';
import { registerAlertRoutes } from './alerts.js';

const NAME = { type: 'string', minLength: 1, maxLength: 100 } as const;
const PERSON_PROPS = {
  givenNames: NAME,
  familyName: NAME,
  birthDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  placeOfBirth: { type: 'string', maxLength: 100 },
  sex: { type: 'string', enum: ['F', 'M', 'X'] },
  nationality: { type: 'string', pattern: '^[A-Z]{2}$' },
} as const;
const PEM_CSR = { type: 'string', minLength: 64, maxLength: 8192 } as const;
const CSRS = {
  type: 'object',
  required: ['authentication', 'signature'],
  additionalProperties: false,
  properties: { authentication: PEM_CSR, signature: PEM_CSR },
} as const;
const PERSON_BODY = {
  type: 'object',
  required: ['givenNames', 'familyName', 'birthDate'],
  additionalProperties: false,
  properties: PERSON_PROPS,
} as const;
const ENROL_BODY = {
  type: 'object',
  required: ['person', 'csrs'],
  additionalProperties: false,
  properties: { person: PERSON_BODY, csrs: CSRS },
} as const;
const CSRS_BODY = {
  type: 'object',
  required: ['csrs'],
  additionalProperties: false,
  properties: { csrs: CSRS },
} as const;
const REVOKE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 32 } },
} as const;
const NATIONAL_ID = {
  type: 'object',
  properties: { nationalId: { type: 'string', pattern: '^\\d{12}$' } },
} as const;
const SERIAL = {
  type: 'object',
  properties: { serial: { type: 'string', pattern: '^[0-9a-fA-F]{1,40}$' } },
} as const;
const REVIEW_ID = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
} as const;
const REVIEW_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['pending', 'accepted', 'rejected', 'all'] } },
} as const;
const REJECT_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 500 } },
} as const;
const ISSUED = {
  description: 'issued certificates (PEM) and the CA chain',
  type: 'object',
  additionalProperties: true,
} as const;

declare module 'fastify' {
  interface FastifyRequest {
    officer?: OfficerRecord;
  }
}

/**
 * The two ways a registered person gets new certificates from the wallet's CSRs: a first issue
 * (no certificates in force) and a renewal (the old ones superseded). Same body, same answer.
 */
const CERTIFICATE_ROUTES = [
  ['certificates', 'issue', 'Issue both certificates to a registered person', issueCertificates],
  ['renewal', 'renew', 'Renew: new keys, same identity; old certificates superseded', renew],
] as const satisfies readonly (readonly [
  string,
  string,
  string,
  (ctx: EidContext, nationalId: string, csrs: CsrPair, officer: string) => Promise<IssuanceResult>,
])[];

/** The roles the register's routes ask for (a notary's token opens none of them). */
type RegisterRole = Exclude<OfficerRole, 'notary'>;

/** The officer of a request, refused unless they hold `role` (a supervisor holds both). */
export function requireRole(req: FastifyRequest, role: RegisterRole): OfficerRecord {
  const officer = req.officer;
  if (!officer) throw new HttpError('AUTH_TOKEN_MISSING');
  if (role === 'supervisor' && !officerMay(officer.role, 'supervise')) {
    throw new HttpError(
      'AUTH_FORBIDDEN',
      'suspending, resuming, revoking and deciding held enrolments and CERT alerts need a supervisor token',
    );
  }
  if (!officerMay(officer.role, 'register'))
    throw new HttpError('AUTH_FORBIDDEN', 'a notary token may only notarise (POST /api/v1/notarise)');
  return officer;
}

/**
 * A preParsing hook that checks the officer's role before the body is read and validated, so a
 * registrar asking to suspend learns it is not allowed (403), not what the body lacks (400).
 */
export function roleHook(role: RegisterRole): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    requireRole(req, role);
  };
}

function issuedBody(node: NodeContext, r: IssuanceResult): Record<string, unknown> {
  return {
    nationalId: r.person.nationalId,
    personId: r.personId,
    certificates: {
      authentication: toPem(r.certificates.authentication.der, 'CERTIFICATE'),
      signature: toPem(r.certificates.signature.der, 'CERTIFICATE'),
    },
    chain: [
      toPem(node.eidCa.certificate.der, 'CERTIFICATE'),
      toPem(node.root.certificate.der, 'CERTIFICATE'),
    ],
  };
}

/**
 * Held enrolments: registrars list them, supervisors accept (the person is registered, 201)
 * or reject them.
 */
function registerReviewRoutes(api: FastifyInstance, eid: EidContext, node: NodeContext): void {
  const tags = ['eid'];
  api.get(
    '/reviews',
    {
      schema: {
        summary: 'Held enrolments (default: pending)',
        tags,
        querystring: REVIEW_QUERY,
        response: {},
      },
    },
    async (req) => {
      requireRole(req, 'registrar');
      const status = (req.query as { status?: ReviewStatus | 'all' }).status ?? 'pending';
      return { reviews: await listReviews(node.store, status === 'all' ? undefined : status) };
    },
  );
  api.post(
    '/reviews/:id/accept',
    {
      preParsing: roleHook('supervisor'),
      schema: {
        summary: 'Accept a held enrolment: register the person as new (no certificates)',
        tags,
        params: REVIEW_ID,
        response: {
          201: { description: 'the registered person', type: 'object', additionalProperties: true },
        },
      },
    },
    async (req, reply) => {
      const officer = requireRole(req, 'supervisor');
      const person = await acceptReview(eid, (req.params as { id: string }).id, officer.id);
      return reply.status(201).send(person);
    },
  );
  api.post(
    '/reviews/:id/reject',
    {
      preParsing: roleHook('supervisor'),
      schema: {
        summary: 'Reject a held enrolment',
        tags,
        params: REVIEW_ID,
        body: REJECT_BODY,
        response: {},
      },
    },
    async (req) => {
      const officer = requireRole(req, 'supervisor');
      const reason = (req.body as { reason?: string } | undefined)?.reason;
      return rejectReview(eid, (req.params as { id: string }).id, officer.id, reason);
    },
  );
}

/**
 * The operator API under `/api/v1`: enrolment and the eID lifecycle, authorised by officer
 * bearer tokens. Registrars enrol and issue; supervisors also suspend, resume and revoke; a
 * notary's token opens none of these (it notarises only, routes/notarise.ts).
 */
export function registerApiRoutes(
  app: FastifyInstance,
  node: NodeContext,
  eid: EidContext,
  metrics: ServerMetrics,
): void {
  void app.register(
    async (api) => {
      // onRequest: the token is checked before the body is even read, so anonymous callers learn nothing.
      api.addHook('onRequest', async (req) => {
        req.officer = await authenticateOfficer(node.store, req.headers.authorization);
      });
      const tags = ['eid'];
      const counted = (op: string): void => metrics.lifecycle.inc({ operation: op });

      api.post(
        '/persons',
        {
          schema: {
            summary: 'Register a person (no certificates)',
            tags,
            body: PERSON_BODY,
            response: {
              201: { description: 'the registered person', type: 'object', additionalProperties: true },
            },
          },
        },
        async (req, reply) => {
          const officer = requireRole(req, 'registrar');
          const person = await registerPerson(eid, req.body as PersonInput, officer.id);
          counted('register');
          return reply.status(201).send(person);
        },
      );

      api.post(
        '/enrolments',
        {
          schema: {
            summary: 'Register a person and issue both eID certificates from the wallet CSRs',
            tags,
            body: ENROL_BODY,
            response: { 201: ISSUED },
          },
        },
        async (req, reply) => {
          const officer = requireRole(req, 'registrar');
          const body = req.body as {
            person: PersonInput;
            csrs: { authentication: string; signature: string };
          };
          const r = await enrolPerson(eid, body.person, body.csrs, officer.id);
          counted('enrol');
          return reply.status(201).send(issuedBody(node, r));
        },
      );

      api.get(
        '/persons/:nationalId',
        { schema: { summary: 'A person and their certificates', tags, params: NATIONAL_ID, response: {} } },
        async (req) => {
          requireRole(req, 'registrar');
          return getPersonWithCertificates(node.store, (req.params as { nationalId: string }).nationalId);
        },
      );

      api.get(
        '/persons/:nationalId/events',
        { schema: { summary: 'Audit trail of a person', tags, params: NATIONAL_ID, response: {} } },
        async (req) => {
          requireRole(req, 'registrar');
          const person = await getPerson(node.store, (req.params as { nationalId: string }).nationalId);
          return { events: await listPersonEvents(node.store, person.nationalId) };
        },
      );

      for (const [path, op, summary, issue] of CERTIFICATE_ROUTES) {
        api.post(
          `/persons/:nationalId/${path}`,
          { schema: { summary, tags, params: NATIONAL_ID, body: CSRS_BODY, response: { 201: ISSUED } } },
          async (req, reply) => {
            const officer = requireRole(req, 'registrar');
            const r = await issue(
              eid,
              (req.params as { nationalId: string }).nationalId,
              (req.body as { csrs: CsrPair }).csrs,
              officer.id,
            );
            counted(op);
            return reply.status(201).send(issuedBody(node, r));
          },
        );
      }

      registerReviewRoutes(api, eid, node);
      registerAlertRoutes(api, node, eid);

      for (const [scope, params] of [
        ['persons/:nationalId', NATIONAL_ID],
        ['certificates/:serial', SERIAL],
      ] as const) {
        for (const op of ['suspend', 'resume', 'revoke'] as const) {
          api.post(
            `/${scope}/${op}`,
            {
              preParsing: roleHook('supervisor'),
              schema: {
                summary: `${op} the ${scope.startsWith('persons') ? "person's certificates in force" : 'certificate'}`,
                tags,
                params,
                body: REVOKE_BODY,
                response: {},
              },
            },
            async (req) => {
              const officer = requireRole(req, 'supervisor');
              const p = req.params as { nationalId?: string; serial?: string };
              const target: Target =
                p.nationalId !== undefined
                  ? { nationalId: p.nationalId }
                  : { serial: p.serial!.toLowerCase() };
              const reason = (req.body as { reason?: string } | undefined)?.reason;
              const r =
                op === 'suspend'
                  ? await suspend(eid, target, officer.id)
                  : op === 'resume'
                    ? await resume(eid, target, officer.id)
                    : await revoke(eid, target, parseRevocationReason(reason), officer.id);
              counted(op);
              return r;
            },
          );
        }
      }
    },
    { prefix: '/api/v1' },
  );
}
