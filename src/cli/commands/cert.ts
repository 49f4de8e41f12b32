/**
 * `trustbridge cert …`: the CERT-to-CERT exchange of a node (TAXII 2.1 under `/taxii2/`):
 * partner CERTs and their credentials.
 */
import { certRootOf } from '../../cert/collections.js';
import { CertError } from '../../cert/errors.js';
import { addPartner, issueToken, listPartners, removePartner } from '../../cert/partners.js';
import { isClearance } from '../../cert/tlp.js';
import { parseOptions, req, str } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { withNode } from './eid.js';

const COMMON = { dir: { type: 'string' as const }, 'password-file': { type: 'string' as const } };

const add: Command = {
  words: ['cert', 'partner', 'add'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...COMMON, name: { type: 'string' }, country: { type: 'string' }, 'tlp-max': { type: 'string' } },
      ['dir', 'name'],
    );
    const tlpMax = str(o, 'tlp-max') ?? 'green';
    if (!isClearance(tlpMax))
      throw new CertError(
        'CERT_ARGUMENT_INVALID',
        `--tlp-max ${tlpMax}: use amber, green or clear (amber+strict: own organisation)`,
      );
    const country = str(o, 'country');
    return withNode(o, async (node) => {
      const root = certRootOf(node.config.country, node.config.name);
      const p = await addPartner(
        node.store,
        root,
        { name: req(o, 'name'), tlpMax, ...(country ? { country } : {}) },
        node.clock(),
      );
      const apiRoot = `${node.config.baseUrl.replace(/\/+$/, '')}/taxii2/${root.id}/`;
      printJson({ id: p.id, username: p.username, password: p.password, apiRoot });
      return 0;
    });
  },
};

const ls: Command = {
  words: ['cert', 'partner', 'list'],
  async run(argv) {
    const { values: o } = parseOptions(argv, COMMON, ['dir']);
    return withNode(o, async (node) => {
      printJson(await listPartners(node.store));
      return 0;
    });
  },
};

const remove: Command = {
  words: ['cert', 'partner', 'remove'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...COMMON, partner: { type: 'string' } }, ['dir', 'partner']);
    return withNode(o, async (node) => {
      const p = await removePartner(node.store, req(o, 'partner'));
      printJson({ id: p.id, username: p.username, removed: true });
      return 0;
    });
  },
};

const token: Command = {
  words: ['cert', 'partner', 'token'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...COMMON, partner: { type: 'string' } }, ['dir', 'partner']);
    return withNode(o, async (node) => {
      printJson({
        partner: req(o, 'partner'),
        token: await issueToken(node.store, req(o, 'partner'), node.clock()),
      });
      return 0;
    });
  },
};

/** The CERT exchange commands. */
export const certCommands: Command[] = [add, ls, remove, token];
