/** Curves trustbridge issues keys on (ETSI TS 119 312 recommended). */
export type KeyAlgorithm = 'P-256' | 'P-384';

/** Hash used with a curve: P-256 → SHA-256, P-384 → SHA-384 (RFC 5758 §3.2). */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/**
 * Where a node keeps its private keys. Private key material never leaves an implementation
 * in the clear: callers get public keys and signatures only.
 */
export interface KeyStore {
  /** `file` (encrypted PKCS#8) or `pkcs11` (HSM). */
  readonly kind: 'file' | 'pkcs11';
  /** Generates a new key pair under `id` and returns its SubjectPublicKeyInfo (DER). Throws KEY_EXISTS. */
  generate(id: string, algorithm: KeyAlgorithm): Promise<Buffer>;
  /** SubjectPublicKeyInfo (DER) of key `id`. Throws KEY_NOT_FOUND. */
  publicKey(id: string): Promise<Buffer>;
  /** True when a key `id` exists. */
  has(id: string): Promise<boolean>;
  /**
   * Signs `data` (the message, not a digest) with key `id` using ECDSA and `hash`, and returns
   * the DER-encoded ECDSA-Sig-Value (RFC 3279 §2.2.3) as X.509, CRL and OCSP require.
   */
  sign(id: string, data: Uint8Array, hash: HashAlgorithm): Promise<Buffer>;
  /** Releases sessions and handles. */
  close(): Promise<void>;
}

/** A signing key bound to its identifier: what certificate, CRL and OCSP builders take. */
export interface Signer {
  readonly keyId: string;
  readonly algorithm: KeyAlgorithm;
  readonly hash: HashAlgorithm;
  /** SubjectPublicKeyInfo (DER). */
  readonly spki: Buffer;
  sign(data: Uint8Array): Promise<Buffer>;
}

/**
 * A key store that also keeps Ed25519 keys (RFC 8032), for signed notes such as the
 * transparency log's checkpoints. Public keys and signatures are raw (32 and 64 bytes).
 */
export interface Ed25519KeyStore {
  /** Generates an Ed25519 key under `id` and returns its 32-byte public key. Throws KEY_EXISTS. */
  generateEd25519(id: string): Promise<Buffer>;
  /** The 32-byte public key of Ed25519 key `id`. Throws KEY_NOT_FOUND. */
  ed25519PublicKey(id: string): Promise<Buffer>;
  /** True when a key `id` exists. */
  has(id: string): Promise<boolean>;
  /** The 64-byte Ed25519 signature of `message` with key `id`. */
  signEd25519(id: string, message: Uint8Array): Promise<Buffer>;
}
