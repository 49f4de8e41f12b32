/**
 * Puts the witnesses behind the sequencer: after a batch is signed, the checkpoint is sent to the
 * witnesses of the other members and of the hub (tlog-witness add-checkpoint, with a consistency
 * proof from the previous published size computed from the log's tiles), and the checkpoint is
 * published with the cosignatures that verified. Witnesses that refuse (a fork: 409 or 422 from
 * every one) are reported in the server's log; the checkpoint is still published with what it
 * got, so a policy that needs more witnesses is not met and every verifier sees it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { parseCheckpoint } from '../ledger/checkpoint.js';
import type { GatherResult } from '../ledger/gather.js';
import { proveConsistency } from '../ledger/merkle.js';
import { parseNote } from '../ledger/note.js';
import type { CosignHook } from '../ledger/sequencer.js';
import { TileHashReader } from '../ledger/tile_store.js';
import { recordWitnessOutcomes } from '../ledger/witness_outcomes.js';
import type { CosignHook as GatherHook } from '../node/cosign.js';
import type { Database } from '../store/schema.js';

/**
 * The sequencer's cosign hook over a gathering step ({@link nodeCosignHook} or
 * {@link hubCosignHook}).
 *
 * @param gather - asks the witnesses
 * @param log - where refusals are reported
 * @param record - the store where each witness's last answer is kept (for `log monitor`), and its clock
 * @example
 * ```ts
 * const cosign = witnessedCosign(nodeCosignHook(node, node.log.vkey), app.log);
 * ```
 */
export function witnessedCosign(
  gather: GatherHook,
  log?: FastifyBaseLogger,
  record?: { db: Kysely<Database>; clock: () => Date },
): CosignHook {
  // Witnesses left without a cosignature at the last gathering (undefined: none yet here).
  let missing: number | undefined;
  return {
    incomplete: () => missing === undefined || missing > 0,
    async cosign(r) {
      const oldSize = r.previous ? parseCheckpoint(parseNote(r.previous).text).size : 0;
      const result: GatherResult = await gather({
        checkpoint: r.checkpoint,
        oldSize,
        proof: (from, to) => proveConsistency(new TileHashReader(r.tiles, to), from, to),
      });
      const refused = result.outcomes.filter((o) => o.result !== 'cosigned');
      missing = refused.length;
      if (refused.length > 0 && log)
        log.warn({ size: r.size, outcomes: refused }, 'witnesses did not cosign the checkpoint');
      if (record)
        await recordWitnessOutcomes(record.db, r.size, result.outcomes, record.clock()).catch((e: unknown) =>
          log?.warn({ err: e }, 'the witnesses’ answers could not be recorded'),
        );
      return result.cosignatures;
    },
  };
}
