/**
 * `trustbridge rp …`: the relying parties (public services) of a node's login service, and
 * `trustbridge login rotate-key`: a new ID-token signing key.
 */
import { addClient, disableClient, listClients } from '../../login/clients.js';
import { rotateLoginKey } from '../../login/keys.js';
import { parseOptions, req } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { withNode } from './eid.js';

const COMMON = { dir: { type: 'string' as const }, 'password-file': { type: 'string' as const } };

function list(o: Record<string, unknown>, name: string): string[] {
  const v = o[name];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

const add: Command = {
  words: ['rp', 'add'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        ...COMMON,
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'post-logout-redirect-uri': { type: 'string', multiple: true },
        public: { type: 'boolean' },
      },
      ['dir', 'name', 'redirect-uri'],
    );
    return withNode(o, async (node) => {
      const rp = await addClient(
        node.store,
        {
          name: req(o, 'name'),
          redirectUris: list(o, 'redirect-uri'),
          postLogoutRedirectUris: list(o, 'post-logout-redirect-uri'),
          public: o['public'] === true,
        },
        node.clock(),
      );
      const issuer = `${node.config.baseUrl.replace(/\/+$/, '')}/oidc`;
      printJson({ ...rp, issuer, discovery: `${issuer}/.well-known/openid-configuration` });
      return 0;
    });
  },
};

const ls: Command = {
  words: ['rp', 'list'],
  async run(argv) {
    const { values: o } = parseOptions(argv, COMMON, ['dir']);
    return withNode(o, async (node) => {
      printJson(await listClients(node.store));
      return 0;
    });
  },
};

const disable: Command = {
  words: ['rp', 'disable'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...COMMON, 'client-id': { type: 'string' } }, [
      'dir',
      'client-id',
    ]);
    return withNode(o, async (node) => {
      await disableClient(node.store, req(o, 'client-id'));
      printJson({ clientId: req(o, 'client-id'), disabled: true });
      return 0;
    });
  },
};

const rotate: Command = {
  words: ['login', 'rotate-key'],
  async run(argv) {
    const { values: o } = parseOptions(argv, COMMON, ['dir']);
    return withNode(o, async (node) => {
      const key = await rotateLoginKey({ store: node.store, keys: node.serviceKeys, clock: node.clock });
      printJson({ kid: key.kid, keyId: key.keyId, createdAt: key.createdAt });
      return 0;
    });
  },
};

/** The relying-party and login-key commands. */
export const rpCommands: Command[] = [add, ls, disable, rotate];
