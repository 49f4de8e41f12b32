/**
 * `trustbridge cert alerts` and `cert alert ack|act|dismiss`: the node's CERT alert queue (STIX
 * objects received from partner CERTs that name one of its certificates), as the officer API's
 * `/api/v1/alerts` offers it, for an operator at the node.
 */
import { userInfo } from 'node:os';
import { acknowledgeAlert, actOnAlert, dismissAlert } from '../../cert/alerts/actions.js';
import { ALERT_STATUSES, isAlertStatus, listAlerts } from '../../cert/alerts/alert_store.js';
import { CertError } from '../../cert/errors.js';
import { parseOptions, req, str } from '../args.js';
import type { Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { withNode } from './eid.js';

const COMMON = { dir: { type: 'string' as const }, 'password-file': { type: 'string' as const } };
const DECIDE = {
  ...COMMON,
  id: { type: 'string' as const },
  note: { type: 'string' as const },
  officer: { type: 'string' as const },
};

function officerOf(o: Options): string {
  return str(o, 'officer') ?? `cli:${userInfo().username}`;
}

const list: Command = {
  words: ['cert', 'alerts'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...COMMON, status: { type: 'string' } }, ['dir']);
    const status = str(o, 'status');
    if (status !== undefined && status !== 'all' && !isAlertStatus(status))
      throw new CertError(
        'CERT_ARGUMENT_INVALID',
        `--status ${status}: use ${ALERT_STATUSES.join(', ')} or all`,
      );
    return withNode(o, async (node) => {
      printJson({
        alerts: await listAlerts(node.store, status && status !== 'all' ? { status } : {}),
      });
      return 0;
    });
  },
};

const ack: Command = {
  words: ['cert', 'alert', 'ack'],
  async run(argv) {
    const { values: o } = parseOptions(argv, DECIDE, ['dir', 'id']);
    return withNode(o, async (node) => {
      printJson(
        await acknowledgeAlert(
          node.store,
          req(o, 'id'),
          { officer: officerOf(o), note: str(o, 'note') },
          node.clock(),
        ),
      );
      return 0;
    });
  },
};

const act: Command = {
  words: ['cert', 'alert', 'act'],
  async run(argv) {
    const { values: o } = parseOptions(argv, DECIDE, ['dir', 'id']);
    return withNode(o, async (_node, eid) => {
      printJson(await actOnAlert(eid, req(o, 'id'), { officer: officerOf(o), note: str(o, 'note') }));
      return 0;
    });
  },
};

const dismiss: Command = {
  words: ['cert', 'alert', 'dismiss'],
  async run(argv) {
    const { values: o } = parseOptions(argv, DECIDE, ['dir', 'id', 'note']);
    return withNode(o, async (node) => {
      printJson(
        await dismissAlert(
          node.store,
          req(o, 'id'),
          { officer: officerOf(o), note: req(o, 'note') },
          node.clock(),
        ),
      );
      return 0;
    });
  },
};

/** The CERT alert commands. */
export const certAlertCommands: Command[] = [list, ack, act, dismiss];
