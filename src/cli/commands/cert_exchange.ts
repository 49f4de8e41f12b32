/**
 * `trustbridge cert publish|remote|sync|search`: publishing STIX bundles (into this node's own
 * collection, through the same validation and ingest as a TAXII POST, or to a partner's server
 * over TAXII), the remote servers this CERT pulls from, syncing them, and searching the objects
 * held (own and synced).
 *
 * The remote's password is read from `--partner-password-file` (or a bearer token from
 * `--token-file`): `--password-file` keeps its meaning of every node command, the node key's
 * passphrase.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { TaxiiClient } from '../../cert/client/client.js';
import type { TaxiiAuth } from '../../cert/client/http.js';
import { SHARED_COLLECTION, certRootOf, ensureCertRoot } from '../../cert/collections.js';
import { CertError } from '../../cert/errors.js';
import { addRemote, findRemote, listRemotes, remoteAuth, removeRemote } from '../../cert/remotes.js';
import { remoteSecretKey } from '../../cert/remote_secrets.js';
import { certDb } from '../../cert/schema.js';
import { searchObjects } from '../../cert/search.js';
import type { SearchHit } from '../../cert/search.js';
import type { TaxiiStatus } from '../../cert/status_store.js';
import { syncAll, syncRemote } from '../../cert/sync.js';
import type { SyncOptions } from '../../cert/sync.js';
import { envelopeObjects, ingest } from '../../cert/taxii/ingest.js';
import { isClearance } from '../../cert/tlp.js';
import type { NodeContext } from '../../node/context.js';
import { UsageError } from '../../lib/errors.js';
import { int, parseOptions, req, str } from '../args.js';
import type { Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { ProgressBar } from '../progress.js';
import { withNode } from './eid.js';

const NODE = { dir: { type: 'string' as const }, 'password-file': { type: 'string' as const } };
const CREDENTIALS = {
  user: { type: 'string' as const },
  'partner-password-file': { type: 'string' as const },
  'token-file': { type: 'string' as const },
};
/** Largest bundle file `cert publish` reads (the server's default max_content_length). */
const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

function secretFile(file: string, option: string): string {
  if (!existsSync(file)) throw new UsageError('USAGE_INVALID_ARGUMENT', `${option}: no file ${file}`);
  const s = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (!s) throw new UsageError('USAGE_INVALID_ARGUMENT', `${option}: ${file} is empty`);
  return s;
}

/** The remote credentials of the command line: `--user` + `--partner-password-file`, or `--token-file`. */
function credentials(o: Options): TaxiiAuth {
  const token = str(o, 'token-file');
  const pw = str(o, 'partner-password-file');
  const user = str(o, 'user');
  if (token !== undefined && pw === undefined && user === undefined)
    return { type: 'bearer', token: secretFile(token, '--token-file') };
  if (token === undefined && pw !== undefined && user !== undefined)
    return { type: 'basic', username: user, password: secretFile(pw, '--partner-password-file') };
  throw new UsageError(
    'USAGE_INVALID_ARGUMENT',
    'give --user with --partner-password-file (HTTP Basic), or --token-file (bearer token)',
  );
}

function readBundle(file: string): unknown[] {
  if (!existsSync(file)) throw new UsageError('USAGE_INVALID_ARGUMENT', `--in: no file ${file}`);
  if (statSync(file).size > MAX_BUNDLE_BYTES)
    throw new CertError('TAXII_TOO_LARGE', `${file} is over ${MAX_BUNDLE_BYTES} bytes`);
  return envelopeObjects(readFileSync(file));
}

async function publishLocal(node: NodeContext, objects: unknown[], collection: string): Promise<TaxiiStatus> {
  const root = certRootOf(node.config.country, node.config.name);
  await ensureCertRoot(node.store, root, node.clock());
  const c = await certDb(node.store)
    .selectFrom('cert_collection')
    .select('id')
    .where('api_root', '=', root.id)
    .where((eb) => eb.or([eb('id', '=', collection), eb('alias', '=', collection)]))
    .executeTakeFirst();
  if (!c) throw new CertError('TAXII_NOT_FOUND', `no collection ${collection} on this node`);
  return ingest(node.store, root.id, c.id, null, objects, node.clock());
}

async function publishRemote(
  client: TaxiiClient,
  objects: unknown[],
  collection: string,
): Promise<TaxiiStatus> {
  const c = await client.collection(collection);
  if (!c.can_write)
    throw new CertError('TAXII_FORBIDDEN', `${client.apiRootUrl}: collection ${collection} is not writable`);
  return client.addObjects(c.id, objects);
}

const publish: Command = {
  words: ['cert', 'publish'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        ...NODE,
        ...CREDENTIALS,
        in: { type: 'string' },
        collection: { type: 'string' },
        url: { type: 'string' },
        remote: { type: 'string' },
      },
      ['in'],
    );
    const collection = str(o, 'collection') ?? SHARED_COLLECTION;
    const objects = readBundle(req(o, 'in'));
    let status: TaxiiStatus;
    const url = str(o, 'url');
    if (url !== undefined) {
      if (str(o, 'dir') !== undefined || str(o, 'remote') !== undefined)
        throw new UsageError(
          'USAGE_INVALID_ARGUMENT',
          '--url publishes to a server: give no --dir or --remote',
        );
      status = await publishRemote(new TaxiiClient(url, { auth: credentials(o) }), objects, collection);
    } else {
      req(o, 'dir');
      status = await withNode(o, async (node) => {
        const remote = str(o, 'remote');
        if (remote === undefined) return publishLocal(node, objects, collection);
        const row = await findRemote(node.store, remote);
        const client = new TaxiiClient(row.api_root_url, {
          auth: remoteAuth(row, remoteSecretKey(node.dir)),
        });
        return publishRemote(client, objects, str(o, 'collection') ?? row.collection);
      });
    }
    printJson(status);
    return status.failure_count === 0 && status.status === 'complete' ? 0 : 1;
  },
};

const remoteAdd: Command = {
  words: ['cert', 'remote', 'add'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        ...NODE,
        ...CREDENTIALS,
        name: { type: 'string' },
        'api-root': { type: 'string' },
        collection: { type: 'string' },
        'tlp-max': { type: 'string' },
      },
      ['dir', 'name', 'api-root'],
    );
    const tlpMax = str(o, 'tlp-max') ?? 'amber';
    if (!isClearance(tlpMax))
      throw new CertError(
        'CERT_ARGUMENT_INVALID',
        `--tlp-max ${tlpMax}: use amber+strict, amber, green or clear`,
      );
    const auth = credentials(o);
    const collection = str(o, 'collection');
    return withNode(o, async (node) => {
      const r = await addRemote(
        node.store,
        certRootOf(node.config.country, node.config.name),
        remoteSecretKey(node.dir),
        {
          name: req(o, 'name'),
          apiRootUrl: req(o, 'api-root'),
          auth,
          tlpMax,
          ...(collection ? { collection } : {}),
        },
        node.clock(),
      );
      printJson(r);
      return 0;
    });
  },
};

const remoteList: Command = {
  words: ['cert', 'remote', 'list'],
  async run(argv) {
    const { values: o } = parseOptions(argv, NODE, ['dir']);
    return withNode(o, async (node) => {
      printJson(await listRemotes(node.store));
      return 0;
    });
  },
};

const remoteRemove: Command = {
  words: ['cert', 'remote', 'remove'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { ...NODE, remote: { type: 'string' } }, ['dir', 'remote']);
    return withNode(o, async (node) => {
      const r = await removeRemote(node.store, req(o, 'remote'));
      printJson({ id: r.id, name: r.name, removed: true });
      return 0;
    });
  },
};

/** A progress bar of a sync on a terminal (the number of records is learnt page by page). */
function progressOf(name: string): { onPage: SyncOptions['onPage']; done(): void } {
  if (!process.stderr.isTTY) return { onPage: undefined, done: () => undefined };
  let bar: ProgressBar | undefined;
  let seen = 0;
  return {
    onPage: ({ records, more, pageSize }) => {
      bar ??= new ProgressBar({ total: records + (more ? pageSize : 0), label: `sync ${name}` });
      bar.setTotal(records + (more ? pageSize : 0));
      bar.tick(records - seen);
      seen = records;
    },
    done: () => bar?.done(),
  };
}

const sync: Command = {
  words: ['cert', 'sync'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { ...NODE, remote: { type: 'string' }, 'page-size': { type: 'string' } },
      ['dir'],
    );
    const pageSize = int(o, 'page-size', 500, 1, 1000);
    return withNode(o, async (node) => {
      const base = { key: remoteSecretKey(node.dir), clock: node.clock, pageSize };
      const name = str(o, 'remote');
      if (name !== undefined) {
        const bar = progressOf(name);
        try {
          printJson(
            await syncRemote(node.store, name, { ...base, ...(bar.onPage ? { onPage: bar.onPage } : {}) }),
          );
        } finally {
          bar.done();
        }
        return 0;
      }
      const results = await syncAll(node.store, base);
      printJson(results);
      return results.some((r) => 'error' in r) ? 1 : 0;
    });
  },
};

function table(hits: SearchHit[]): string {
  const rows = [
    ['DATE ADDED', 'SOURCE', 'TLP', 'TYPE', 'ID', 'NAME'],
    ...hits.map((h) => [h.dateAdded, h.source, h.tlp, h.type, h.id, h.name ?? '']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

const search: Command = {
  words: ['cert', 'search'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        ...NODE,
        type: { type: 'string', multiple: true },
        text: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        table: { type: 'boolean' },
      },
      ['dir'],
    );
    const limit = int(o, 'limit', 100, 1, 10_000);
    const types = (o['type'] as string[] | undefined)?.flatMap((t) => t.split(','));
    const text = str(o, 'text');
    const since = str(o, 'since');
    return withNode(o, async (node) => {
      const hits = await searchObjects(node.store, {
        limit,
        ...(types ? { types } : {}),
        ...(text !== undefined ? { text } : {}),
        ...(since !== undefined ? { since } : {}),
      });
      process.stdout.write(o['table'] ? table(hits) : hits.map((h) => JSON.stringify(h) + '\n').join(''));
      return 0;
    });
  },
};

/** The CERT exchange's publish, remote, sync and search commands. */
export const certExchangeCommands: Command[] = [publish, remoteAdd, remoteList, remoteRemove, sync, search];
