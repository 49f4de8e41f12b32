/**
 * `trustbridge hub …`: the regional hub (list of trusted lists, ETSI TS 119 612 clause 5.3.13)
 * and, for the country side of the same story, `trustbridge node trustlist …` to republish a
 * node's trusted list or withdraw / re-grant one of its services.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../../lib/errors.js';
import { openNode } from '../../node/context.js';
import { initHub, openHub } from '../../hub/hub.js';
import type { HubContext } from '../../hub/hub.js';
import { memberStatus } from '../../hub/members.js';
import { addHubMember, setHubMemberStatus } from '../../hub/operations.js';
import { memberKeysOfDir } from '../../hub/transparency.js';
import type { MemberTransparencyInput } from '../../hub/transparency.js';
import { readHubConfig, readHubState } from '../../hub/config.js';
import { serveHub } from '../../server/hub_app.js';
import { HUB_LOTL, SERVICE_STATUS } from '../../trust/uris.js';
import type { MemberStatus } from '../../trust/writer/lotl.js';
import { publishNodeTrustList } from '../../node/trust_list_publisher.js';
import { currentStatus, setServiceStatus } from '../../trust/writer/node_state.js';
import { int, parseOptions, req, str } from '../args.js';
import type { OptionSpec, Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { readPassword } from '../password.js';
import { waitForSignal } from './node.js';
import { checkDataDir } from '../data_dir.js';

const DIR_AND_PASSWORD: OptionSpec = { dir: { type: 'string' }, 'password-file': { type: 'string' } };

async function withHub<T>(o: Options, fn: (hub: HubContext) => Promise<T>): Promise<T> {
  const dir = req(o, 'dir');
  readHubConfig(dir); // HUB_NOT_INITIALISED before asking for a password
  const hub = await openHub(dir, { passphrase: await readPassword(str(o, 'password-file'), 'hub key') });
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}

const init: Command = {
  words: ['hub', 'init'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        ...DIR_AND_PASSWORD,
        name: { type: 'string' },
        'base-url': { type: 'string' },
        territory: { type: 'string' },
        'validity-days': { type: 'string' },
      },
      ['dir', 'name'],
    );
    const hub = await initHub({
      dir: req(o, 'dir'),
      name: req(o, 'name'),
      baseUrl: str(o, 'base-url'),
      territory: str(o, 'territory'),
      lotlValidityDays: int(o, 'validity-days', 180, 1, 366),
      passphrase: await readPassword(str(o, 'password-file'), 'hub key'),
    });
    await hub.close();
    const state = readHubState(hub.dir);
    printJson({
      dir: hub.dir,
      ...hub.config,
      sequenceNumber: state.sequenceNumber,
      nextUpdate: state.nextUpdate,
    });
    return 0;
  },
};

function readSignerFile(path: string): string {
  try {
    if (statSync(path).size > 1024 * 1024) throw new UsageError('INPUT_TOO_LARGE', 'larger than 1 MiB');
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', `cannot read --signer ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function readKeyFile(path: string, option: string): string {
  try {
    if (statSync(path).size > 4096) throw new UsageError('INPUT_TOO_LARGE', 'larger than 4 KiB');
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `cannot read --${option} ${path}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** The member's log and witness keys: `--node-dir`'s `public/*.vkey`, overridden by the key options. */
function memberTransparency(o: Options): MemberTransparencyInput | undefined {
  const nodeDir = str(o, 'node-dir');
  const t: MemberTransparencyInput = nodeDir ? memberKeysOfDir(nodeDir) : {};
  const log = str(o, 'log-vkey');
  const witness = str(o, 'witness-vkey');
  if (log) t.logKey = readKeyFile(log, 'log-vkey');
  if (witness) t.witnessKey = readKeyFile(witness, 'witness-vkey');
  const url = str(o, 'witness-url');
  if (url) t.witnessUrl = url;
  const logUrl = str(o, 'log-url');
  if (logUrl) t.logUrl = logUrl;
  return Object.keys(t).length > 0 ? t : undefined;
}

const memberAdd: Command = {
  words: ['hub', 'member', 'add'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        ...DIR_AND_PASSWORD,
        country: { type: 'string' },
        trustlist: { type: 'string' },
        signer: { type: 'string' },
        'log-vkey': { type: 'string' },
        'witness-vkey': { type: 'string' },
        'witness-url': { type: 'string' },
        'log-url': { type: 'string' },
        'node-dir': { type: 'string' },
      },
      ['dir', 'country', 'trustlist', 'signer'],
    );
    const signerPem = readSignerFile(req(o, 'signer'));
    const transparency = memberTransparency(o);
    const out = await withHub(o, (hub) =>
      addHubMember(hub, {
        country: req(o, 'country'),
        trustListUrl: req(o, 'trustlist'),
        signerPem,
        ...(transparency ? { transparency } : {}),
      }),
    );
    const m = out.state.members.find((x) => x.country === req(o, 'country'))!;
    printJson({
      country: m.country,
      status: memberStatus(m),
      trustList: m.trustListUrl,
      signers: m.signers.length,
      ...(m.transparency ? { transparency: m.transparency } : {}),
      sequenceNumber: out.sequenceNumber,
    });
    return 0;
  },
};

function memberChange(word: 'suspend' | 'resume' | 'remove', status: MemberStatus): Command {
  return {
    words: ['hub', 'member', word],
    async run(argv) {
      const { values: o } = parseOptions(argv, { ...DIR_AND_PASSWORD, country: { type: 'string' } }, [
        'dir',
        'country',
      ]);
      const out = await withHub(o, (hub) => setHubMemberStatus(hub, req(o, 'country'), status));
      printJson({ country: req(o, 'country'), status, sequenceNumber: out.sequenceNumber });
      return 0;
    },
  };
}

const memberList: Command = {
  words: ['hub', 'member', 'list'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { dir: { type: 'string' } }, ['dir']);
    readHubConfig(req(o, 'dir'));
    const state = readHubState(req(o, 'dir'));
    printJson({
      sequenceNumber: state.sequenceNumber,
      members: state.members.map((m) => ({
        country: m.country,
        status: memberStatus(m),
        trustList: m.trustListUrl,
        ...(m.transparency ? { transparency: m.transparency } : {}),
        history: m.history,
      })),
    });
    return 0;
  },
};

const serve: Command = {
  words: ['hub', 'serve'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...DIR_AND_PASSWORD, host: { type: 'string' }, port: { type: 'string' }, log: { type: 'boolean' } },
      ['dir'],
    );
    readHubConfig(req(o, 'dir'));
    checkDataDir(req(o, 'dir'));
    return withHub(o, async (hub) => {
      const defaultPort = Number(new URL(hub.config.baseUrl).port || 8090);
      const srv = await serveHub(
        hub,
        str(o, 'host') ?? '127.0.0.1',
        int(o, 'port', defaultPort, 0, 65535),
        o['log'] === true,
      );
      process.stdout.write(`trustbridge hub ${hub.config.territory} listening on ${srv.url}\n`);
      await waitForSignal();
      await srv.close();
      return 0;
    });
  },
};

async function withNodeList(
  o: Options,
  change?: Parameters<typeof publishNodeTrustList>[1],
): Promise<number> {
  const node = await openNode(req(o, 'dir'), {
    passphrase: await readPassword(str(o, 'password-file'), 'node key'),
  });
  try {
    const out = await publishNodeTrustList(node.trustList!, change);
    printJson({
      country: node.config.country,
      published: out.published,
      sequenceNumber: out.sequenceNumber,
      services: out.state.services.map((s) => ({
        key: s.key,
        kind: s.kind,
        status: currentStatus(s).status,
      })),
    });
    return 0;
  } finally {
    await node.close();
  }
}

const tlPublish: Command = {
  words: ['node', 'trustlist', 'publish'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...DIR_AND_PASSWORD, force: { type: 'boolean' } }, ['dir']);
    return withNodeList(o, { force: o['force'] === true });
  },
};

function tlService(word: 'withdraw' | 'grant', status: string): Command {
  return {
    words: ['node', 'trustlist', word],
    async run(argv) {
      const { values: o } = parseOptions(argv, { ...DIR_AND_PASSWORD, service: { type: 'string' } }, [
        'dir',
        'service',
      ]);
      return withNodeList(o, { change: (s, now) => setServiceStatus(s, req(o, 'service'), status, now) });
    },
  };
}

export const hubCommands: Command[] = [
  init,
  memberAdd,
  memberChange('suspend', HUB_LOTL.suspended),
  memberChange('resume', HUB_LOTL.active),
  memberChange('remove', HUB_LOTL.removed),
  memberList,
  serve,
  tlPublish,
  tlService('withdraw', SERVICE_STATUS.withdrawn),
  tlService('grant', SERVICE_STATUS.granted),
];
