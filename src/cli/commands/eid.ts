import { userInfo } from 'node:os';
import { UsageError } from '../../lib/errors.js';
import { toPem } from '../../lib/pem.js';
import type { EidContext } from '../../eid/context.js';
import { enrolPerson, issueCertificates } from '../../eid/issuance.js';
import type { IssuanceResult } from '../../eid/issuance.js';
import { parseRevocationReason, renew, resume, revoke, suspend } from '../../eid/lifecycle.js';
import type { Target } from '../../eid/lifecycle.js';
import { getPersonWithCertificates, registerPerson } from '../../eid/register.js';
import { listPersonEvents } from '../../eid/register_store/index.js';
import { acceptReview, listReviews, rejectReview } from '../../eid/review.js';
import { installCertificates } from '../../eid/wallet.js';
import type { ReviewStatus } from '../../store/schema.js';
import { openNode } from '../../node/context.js';
import type { NodeContext } from '../../node/context.js';
import { eidContextOf } from '../../node/eid_context.js';
import { int, parseOptions, req, str } from '../args.js';
import { ProgressBar } from '../progress.js';
import { importPeople } from '../../eid/bulk_import.js';
import { existsSync } from 'node:fs';
import type { OptionSpec, Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { readPassword } from '../password.js';
import { loadWallet, saveWallet, walletPassword } from './wallet.js';

const NODE_OPTS: OptionSpec = {
  dir: { type: 'string' },
  officer: { type: 'string' },
  'password-file': { type: 'string' },
};
const PERSON_OPTS: OptionSpec = {
  'given-name': { type: 'string' },
  'family-name': { type: 'string' },
  'birth-date': { type: 'string' },
  'place-of-birth': { type: 'string' },
  sex: { type: 'string' },
  nationality: { type: 'string' },
};
const WALLET_OPTS: OptionSpec = { wallet: { type: 'string' }, 'wallet-password-file': { type: 'string' } };
const TARGET_OPTS: OptionSpec = { 'national-id': { type: 'string' }, serial: { type: 'string' } };

/** Opens the node of `--dir` and runs `fn` with it, closing it afterwards. */
export async function withNode<T>(
  o: Options,
  fn: (node: NodeContext, eid: EidContext) => Promise<T>,
): Promise<T> {
  const node = await openNode(req(o, 'dir'), {
    passphrase: await readPassword(str(o, 'password-file'), 'node key'),
  });
  try {
    return await fn(node, eidContextOf(node));
  } finally {
    await node.close();
  }
}

function officerOf(o: Options): string {
  return str(o, 'officer') ?? `cli:${userInfo().username}`;
}

function personInput(o: Options): Parameters<typeof registerPerson>[1] {
  return {
    givenNames: req(o, 'given-name'),
    familyName: req(o, 'family-name'),
    birthDate: req(o, 'birth-date'),
    placeOfBirth: str(o, 'place-of-birth'),
    sex: str(o, 'sex'),
    nationality: str(o, 'nationality'),
  };
}

function target(o: Options): Target {
  const id = str(o, 'national-id');
  const serial = str(o, 'serial');
  if ((id === undefined) === (serial === undefined))
    throw new UsageError('USAGE_INVALID_ARGUMENT', 'give exactly one of --national-id or --serial');
  return id !== undefined ? { nationalId: id } : { serial: serial!.toLowerCase() };
}

/** Issues with the wallet's CSRs, then stores the certificates and chain in the wallet. */
async function issueToWallet(
  o: Options,
  node: NodeContext,
  issue: (csrs: { authentication: Buffer; signature: Buffer }) => Promise<IssuanceResult>,
): Promise<number> {
  const path = req(o, 'wallet');
  const password = await walletPassword(str(o, 'wallet-password-file'));
  const wallet = loadWallet(path, password);
  const r = await issue({
    authentication: wallet.keys.authentication.csr,
    signature: wallet.keys.signature.csr,
  });
  const chain = [node.eidCa.certificate.der, node.root.certificate.der];
  saveWallet(
    path,
    installCertificates(
      wallet,
      { authentication: r.certificates.authentication.der, signature: r.certificates.signature.der },
      chain,
    ),
    password,
  );
  printJson({
    nationalId: r.person.nationalId,
    personId: r.personId,
    certificates: {
      authentication: toPem(r.certificates.authentication.der, 'CERTIFICATE'),
      signature: toPem(r.certificates.signature.der, 'CERTIFICATE'),
    },
  });
  return 0;
}

const enroll: Command = {
  words: ['eid', 'enroll'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...NODE_OPTS, ...PERSON_OPTS, ...WALLET_OPTS }, [
      'dir',
      'wallet',
      'given-name',
      'family-name',
      'birth-date',
    ]);
    return withNode(o, (node, eid) =>
      issueToWallet(o, node, (csrs) => enrolPerson(eid, personInput(o), csrs, officerOf(o))),
    );
  },
};

const issue: Command = {
  words: ['eid', 'issue'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...NODE_OPTS, ...WALLET_OPTS, 'national-id': { type: 'string' } },
      ['dir', 'wallet', 'national-id'],
    );
    return withNode(o, (node, eid) =>
      issueToWallet(o, node, (csrs) => issueCertificates(eid, req(o, 'national-id'), csrs, officerOf(o))),
    );
  },
};

const renewCmd: Command = {
  words: ['eid', 'renew'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...NODE_OPTS, ...WALLET_OPTS, 'national-id': { type: 'string' } },
      ['dir', 'wallet', 'national-id'],
    );
    return withNode(o, (node, eid) =>
      issueToWallet(o, node, (csrs) => renew(eid, req(o, 'national-id'), csrs, officerOf(o))),
    );
  },
};

const register: Command = {
  words: ['eid', 'register'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...NODE_OPTS, ...PERSON_OPTS }, [
      'dir',
      'given-name',
      'family-name',
      'birth-date',
    ]);
    return withNode(o, async (_node, eid) => {
      printJson(await registerPerson(eid, personInput(o), officerOf(o)));
      return 0;
    });
  },
};

function lifecycle(word: 'suspend' | 'resume' | 'revoke'): Command {
  return {
    words: ['eid', word],
    async run(argv) {
      const spec = {
        ...NODE_OPTS,
        ...TARGET_OPTS,
        ...(word === 'revoke' ? { reason: { type: 'string' as const } } : {}),
      };
      const { values: o } = parseOptions(argv, spec, ['dir']);
      const t = target(o);
      const reason = word === 'revoke' ? parseRevocationReason(str(o, 'reason')) : undefined;
      return withNode(o, async (_node, eid) => {
        const r =
          word === 'suspend'
            ? await suspend(eid, t, officerOf(o))
            : word === 'resume'
              ? await resume(eid, t, officerOf(o))
              : await revoke(eid, t, reason!, officerOf(o));
        printJson(r);
        return 0;
      });
    },
  };
}

const show: Command = {
  words: ['eid', 'show'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...NODE_OPTS, 'national-id': { type: 'string' } }, [
      'dir',
      'national-id',
    ]);
    return withNode(o, async (node) => {
      const { person, certificates } = await getPersonWithCertificates(node.store, req(o, 'national-id'));
      const events = await listPersonEvents(node.store, person.nationalId);
      printJson({ person, certificates, events });
      return 0;
    });
  },
};

const importCmd: Command = {
  words: ['eid', 'import'],
  async run(argv) {
    const { values: o, positionals } = parseOptions(argv, { ...NODE_OPTS, batch: { type: 'string' } }, [
      'dir',
    ]);
    if (positionals.length !== 1) throw new UsageError('USAGE_INVALID_ARGUMENT', 'give exactly one CSV file');
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no file ${file}`);
    return withNode(o, async (_node, eid) => {
      let bar: ProgressBar | undefined;
      let last = 0;
      const summary = await importPeople(eid, file, {
        officer: officerOf(o),
        batchSize: int(o, 'batch', 1000, 1, 100_000),
        onProgress: (done, total) => {
          bar ??= new ProgressBar({ total, stream: process.stderr, label: 'import' });
          bar.tick(done - last);
          last = done;
        },
      });
      bar?.done();
      // The full list of rejected rows can be long: show the first hundred and the count.
      printJson({
        ...summary,
        rejectedCount: summary.rejected.length,
        rejected: summary.rejected.slice(0, 100),
      });
      return summary.rejected.length > 0 ? 3 : 0;
    });
  },
};

const REVIEW_STATUSES = ['pending', 'accepted', 'rejected', 'all'] as const;

const reviewList: Command = {
  words: ['eid', 'review', 'list'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...NODE_OPTS, status: { type: 'string' } }, ['dir']);
    const status = str(o, 'status') ?? 'pending';
    if (!(REVIEW_STATUSES as readonly string[]).includes(status))
      throw new UsageError('USAGE_INVALID_ARGUMENT', `--status must be one of ${REVIEW_STATUSES.join(', ')}`);
    return withNode(o, async (node) => {
      const reviews = await listReviews(node.store, status === 'all' ? undefined : (status as ReviewStatus));
      printJson({ reviews });
      return 0;
    });
  },
};

const reviewAccept: Command = {
  words: ['eid', 'review', 'accept'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...NODE_OPTS, id: { type: 'string' } }, ['dir', 'id']);
    return withNode(o, async (_node, eid) => {
      printJson(await acceptReview(eid, req(o, 'id'), officerOf(o)));
      return 0;
    });
  },
};

const reviewReject: Command = {
  words: ['eid', 'review', 'reject'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...NODE_OPTS, id: { type: 'string' }, reason: { type: 'string' } },
      ['dir', 'id'],
    );
    return withNode(o, async (_node, eid) => {
      printJson(await rejectReview(eid, req(o, 'id'), officerOf(o), str(o, 'reason')));
      return 0;
    });
  },
};

export const eidCommands: Command[] = [
  reviewList,
  reviewAccept,
  reviewReject,
  importCmd,
  enroll,
  issue,
  renewCmd,
  register,
  lifecycle('suspend'),
  lifecycle('resume'),
  lifecycle('revoke'),
  show,
];
