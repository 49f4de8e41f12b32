/**
 * The transparency log: RFC 9162 Merkle trees kept as C2SP tlog-tiles, checkpoints as signed
 * notes, witness cosignatures, witness policies, the witness's decision logic and notarisation
 * receipts. No network or disk I/O of its own: tiles come through a {@link TileSource} /
 * {@link TileStore}, keys through {@link Ed25519Key}, witness state through {@link WitnessState}.
 */
export * from './errors.js';
export * from './hash.js';
export * from './merkle.js';
export * from './tiles.js';
export * from './tile_store.js';
export * from './writer.js';
export * from './reader.js';
export * from './log.js';
export * from './keys.js';
export * from './note.js';
export * from './checkpoint.js';
export * from './cosignature.js';
export * from './policy.js';
export * from './witness.js';
export * from './receipt.js';
export * from './log_key.js';
export * from './store_tiles.js';
export * from './store_lookup.js';
export * from './sequencer.js';
export * from './read_entry.js';
export * from './notarise.js';
