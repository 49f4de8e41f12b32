import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { readHeader } from '../../lib/der.js';

/** SHA-256 (hex) of a certificate's SubjectPublicKeyInfo DER, cut from the certificate. */
function spkiHashOf(certDer: Buffer): string {
  const cert = readHeader(certDer, 0);
  const tbs = readHeader(certDer, cert.start);
  let p = tbs.start;
  if (certDer[p] === 0xa0) p = readHeader(certDer, p).end; // version
  for (let i = 0; i < 5; i++) p = readHeader(certDer, p).end; // serial, signature, issuer, validity, subject
  return createHash('sha256')
    .update(certDer.subarray(p, readHeader(certDer, p).end))
    .digest('hex');
}

/**
 * Adds `certificate.spki_sha256` (indexed) so issuance can refuse a key that was ever certified
 * before, for anyone (a key is certified once: a revoked key never comes back), and fills it in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('certificate').addColumn('spki_sha256', 'varchar(64)').execute();
  const kdb = db as unknown as Kysely<{
    certificate: { serial: string; cert_der: Buffer; spki_sha256: string | null };
  }>;
  const rows = await kdb.selectFrom('certificate').select(['serial', 'cert_der']).execute();
  for (const r of rows) {
    await kdb
      .updateTable('certificate')
      .set({ spki_sha256: spkiHashOf(r.cert_der) })
      .where('serial', '=', r.serial)
      .execute();
  }
  await db.schema.createIndex('certificate_spki').on('certificate').column('spki_sha256').execute();
}

/** Removes the key hash column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('certificate_spki').execute();
  await db.schema.alterTable('certificate').dropColumn('spki_sha256').execute();
}
