import { addOfficer, disableOfficer, listOfficers } from '../../node/officers.js';
import type { OfficerRole } from '../../node/officers.js';
import { parseOptions, req, str } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { withNode } from './eid.js';

const COMMON = { dir: { type: 'string' as const }, 'password-file': { type: 'string' as const } };

const add: Command = {
  words: ['officer', 'add'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...COMMON, name: { type: 'string' }, role: { type: 'string' } },
      ['dir', 'name'],
    );
    return withNode(o, async (node) => {
      const r = await addOfficer(
        node.store,
        req(o, 'name'),
        (str(o, 'role') ?? 'registrar') as OfficerRole,
        node.clock(),
      );
      printJson(r);
      return 0;
    });
  },
};

const list: Command = {
  words: ['officer', 'list'],
  async run(argv) {
    const { values: o } = parseOptions(argv, COMMON, ['dir']);
    return withNode(o, async (node) => {
      printJson(await listOfficers(node.store));
      return 0;
    });
  },
};

const disable: Command = {
  words: ['officer', 'disable'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...COMMON, id: { type: 'string' } }, ['dir', 'id']);
    return withNode(o, async (node) => {
      await disableOfficer(node.store, req(o, 'id'));
      printJson({ disabled: req(o, 'id') });
      return 0;
    });
  },
};

export const officerCommands: Command[] = [add, list, disable];
