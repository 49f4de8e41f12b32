import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PkiError } from '../lib/errors.js';
import { OID } from '../pki/algorithms.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { createCsr } from '../pki/csr.js';
import { decodePkcs12, encodePkcs12 } from '../pki/pkcs12.js';
import type { Pkcs12Entry } from '../pki/pkcs12.js';
import type { EidUsage } from '../pki/profiles.js';

/** One key of the wallet with its CSR and, once enrolled, its certificate. */
export interface WalletKey {
  privateKey: KeyObject;
  spki: Buffer;
  csr: Buffer;
  certificate?: Buffer;
}

/** A citizen wallet: the authentication and signature keys, and the CA chain once enrolled. */
export interface Wallet {
  keys: Record<EidUsage, WalletKey>;
  caCertificates: Buffer[];
}

const USAGES: EidUsage[] = ['authentication', 'signature'];

async function newKey(usage: EidUsage): Promise<WalletKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The CA replaces the subject with the registered identity; this one only names the key's purpose.
  const csr = await createCsr([{ type: OID.commonName, value: `eID ${usage} key` }], spki, 'sha256', (d) =>
    cryptoSign('sha256', d, { key: privateKey, dsaEncoding: 'der' }),
  );
  return { privateKey, spki, csr };
}

/**
 * Creates a wallet: two P-256 key pairs (authentication, signature) and their CSRs.
 *
 * @example
 * ```ts
 * const wallet = await createWallet();
 * writeFileSync('maria.p12', encodeWallet(wallet, 'wallet password'));
 * ```
 */
export async function createWallet(): Promise<Wallet> {
  return {
    keys: { authentication: await newKey('authentication'), signature: await newKey('signature') },
    caCertificates: [],
  };
}

/**
 * Encodes the wallet as a password-protected PKCS#12 file (keys shrouded with PBES2/AES-256).
 *
 * @param wallet - the wallet
 * @param password - wallet password
 * @param iterations - PBKDF2 iterations (default of the PKCS#12 writer)
 */
export function encodeWallet(wallet: Wallet, password: string, iterations?: number): Buffer {
  const entries: Pkcs12Entry[] = USAGES.map((usage) => {
    const k = wallet.keys[usage];
    return {
      name: usage,
      privateKeyPkcs8: k.privateKey.export({ type: 'pkcs8', format: 'der' }),
      csr: k.csr,
      ...(k.certificate ? { certificate: k.certificate } : {}),
    };
  });
  return encodePkcs12(
    { entries, caCertificates: wallet.caCertificates },
    password,
    iterations ? { iterations } : undefined,
  );
}

/**
 * Opens a wallet file.
 *
 * @param p12 - the PKCS#12 bytes
 * @param password - wallet password
 * @throws PkiError PKI_PKCS12_PASSWORD_WRONG | PKI_PKCS12_MALFORMED
 */
export function openWallet(p12: Uint8Array, password: string): Wallet {
  const contents = decodePkcs12(p12, password);
  const keys = {} as Record<EidUsage, WalletKey>;
  for (const usage of USAGES) {
    const e = contents.entries.find((x) => x.name === usage);
    if (!e?.privateKeyPkcs8 || !e.csr)
      throw new PkiError('PKI_PKCS12_MALFORMED', `the wallet has no ${usage} key and CSR`);
    const privateKey = createPrivateKey({ key: e.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    keys[usage] = { privateKey, spki, csr: e.csr, ...(e.certificate ? { certificate: e.certificate } : {}) };
  }
  return { keys, caCertificates: contents.caCertificates };
}

/**
 * Puts issued certificates and the CA chain into the wallet, checking each certificate
 * certifies the wallet's own key.
 *
 * @throws PkiError PKI_CERT_MALFORMED when a certificate is for another key
 */
export function installCertificates(
  wallet: Wallet,
  certs: Record<EidUsage, Buffer>,
  chain: Buffer[],
): Wallet {
  const keys = { ...wallet.keys };
  for (const usage of USAGES) {
    if (!parseCertificate(certs[usage]).spki.equals(wallet.keys[usage].spki)) {
      throw new PkiError('PKI_CERT_MALFORMED', `the ${usage} certificate is not for this wallet's key`);
    }
    keys[usage] = { ...wallet.keys[usage], certificate: certs[usage] };
  }
  return { keys, caCertificates: chain };
}
