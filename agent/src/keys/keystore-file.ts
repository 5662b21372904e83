// The keystore's on-disk format (version 1): versioned JSON around an Argon2id-derived XChaCha20-Poly1305 box.
// Parsing tells a damaged file (checksum) from a wrong master key (authentication failure); see ADR 005.
import { z } from "zod";
import { KeystoreError } from "./keystore-error.js";
import type { Sodium } from "./sodium.js";

export const KEYSTORE_FORMAT = "ts-coding-agent/keystore";
export const KEYSTORE_VERSION = 1;
const KDF_NAME = "argon2id13";
const CIPHER = "xchacha20poly1305-ietf";
const KEY_BYTES = 32;
const CHECKSUM_BYTES = 16;

/** Argon2id cost parameters, stored in the file so the defaults can change without breaking old stores. */
export interface KdfParams {
  /** Passes over memory (libsodium `opslimit`). */
  opsLimit: number;
  /** Bytes of memory (libsodium `memlimit`). */
  memLimit: number;
}

/** A key derived from the master key, with what derived it: all a writer needs besides the plaintext. */
export interface DerivedKey {
  /** 32-byte XChaCha20-Poly1305 key. */
  key: Uint8Array;
  /** Random salt, fixed for the life of a store (a new one on rotation). */
  salt: Uint8Array;
  /** Cost parameters the key was derived with. */
  kdf: KdfParams;
}

/** A parsed, structurally valid version-1 file, not yet decrypted. */
export interface ParsedStoreFile {
  /** Argon2id parameters and salt from the header. */
  kdf: KdfParams & { salt: Uint8Array };
  /** Per-write random nonce. */
  nonce: Uint8Array;
  /** Encrypted contents with the Poly1305 tag. */
  ciphertext: Uint8Array;
}

/** Bounds that keep a tampered header from making Argon2 run for hours or exhaust memory. */
export const KDF_LIMITS = { opsMin: 1, opsMax: 20, memMin: 8192, memMax: 1024 * 1024 * 1024 } as const;

export function kdfParamsValid(kdf: KdfParams): boolean {
  const { opsMin, opsMax, memMin, memMax } = KDF_LIMITS;
  return (
    Number.isInteger(kdf.opsLimit) &&
    Number.isInteger(kdf.memLimit) &&
    kdf.opsLimit >= opsMin &&
    kdf.opsLimit <= opsMax &&
    kdf.memLimit >= memMin &&
    kdf.memLimit <= memMax
  );
}

/** Canonical base64: lenient decoders accept variants (stray padding bits) that would dodge the checksum. */
const base64 = z
  .string()
  .refine((s) => Buffer.from(s, "base64").toString("base64") === s, "not canonical base64");

const versionProbe = z.looseObject({ format: z.literal(KEYSTORE_FORMAT), version: z.unknown() });

const fileV1 = z.strictObject({
  format: z.literal(KEYSTORE_FORMAT),
  version: z.literal(KEYSTORE_VERSION),
  kdf: z.strictObject({
    name: z.literal(KDF_NAME),
    opsLimit: z.number().int(),
    memLimit: z.number().int(),
    salt: base64,
  }),
  cipher: z.literal(CIPHER),
  nonce: base64,
  ciphertext: base64,
  checksum: base64,
});

/** The header in one fixed key order: the AEAD additional data, so editing any header field fails to open. */
function headerBytes(kdf: KdfParams, salt: Uint8Array, nonce: Uint8Array): Uint8Array {
  const header = {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    kdf: { name: KDF_NAME, opsLimit: kdf.opsLimit, memLimit: kdf.memLimit, salt: b64(salt) },
    cipher: CIPHER,
    nonce: b64(nonce),
  };
  return new TextEncoder().encode(JSON.stringify(header));
}

/** Unkeyed BLAKE2b over header and ciphertext: detects accidental damage without knowing the key. */
function checksum(sodium: Sodium, header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const state = sodium.crypto_generichash_init(null, CHECKSUM_BYTES);
  sodium.crypto_generichash_update(state, header);
  sodium.crypto_generichash_update(state, ciphertext);
  return sodium.crypto_generichash_final(state, CHECKSUM_BYTES);
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function fromB64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** Argon2id13: slow on purpose (tens to hundreds of ms with the interactive defaults). */
export function deriveKey(sodium: Sodium, masterKey: string, salt: Uint8Array, kdf: KdfParams): Uint8Array {
  return sodium.crypto_pwhash(
    KEY_BYTES,
    masterKey,
    salt,
    kdf.opsLimit,
    kdf.memLimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

export function newSalt(sodium: Sodium): Uint8Array {
  return sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES);
}

/** Encrypts `plaintext` under `derived` with a fresh random nonce; returns the file's text. */
export function sealStoreFile(sodium: Sodium, derived: DerivedKey, plaintext: string): string {
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const header = headerBytes(derived.kdf, derived.salt, nonce);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    header,
    null,
    nonce,
    derived.key,
  );
  const file = {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    kdf: {
      name: KDF_NAME,
      opsLimit: derived.kdf.opsLimit,
      memLimit: derived.kdf.memLimit,
      salt: b64(derived.salt),
    },
    cipher: CIPHER,
    nonce: b64(nonce),
    ciphertext: b64(ciphertext),
    checksum: b64(checksum(sodium, header, ciphertext)),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function corrupt(filePath: string, why: string, cause?: unknown): KeystoreError {
  return new KeystoreError(
    "corrupt",
    filePath,
    `Keystore ${filePath} is damaged (${why}). Nothing was changed. Restore it from ${filePath}.bak or ` +
      "another backup, or move it aside to start an empty keystore and add your keys again with /key.",
    { cause },
  );
}

/**
 * Parses and checks the file's text without the key: version, structure, sizes, KDF bounds, checksum.
 * Throws `KeystoreError` `unsupported-version` or `corrupt`.
 */
export function parseStoreFile(sodium: Sodium, filePath: string, text: string): ParsedStoreFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(filePath, text.length === 0 ? "the file is empty" : "not valid JSON; truncated?", error);
  }
  const probe = versionProbe.safeParse(json);
  if (!probe.success) throw corrupt(filePath, `not a ${KEYSTORE_FORMAT} file`);
  if (probe.data.version !== KEYSTORE_VERSION) {
    throw new KeystoreError(
      "unsupported-version",
      filePath,
      `Keystore ${filePath} has format version ${JSON.stringify(probe.data.version)}; this agent reads ` +
        `version ${KEYSTORE_VERSION}. Nothing was changed. Upgrade the agent, or point KEYSTORE_PATH elsewhere.`,
    );
  }
  const parsed = fileV1.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(filePath, `field ${issue?.path.join(".") || "?"}: ${issue?.message ?? "invalid"}`);
  }
  const file = parsed.data;
  const kdf = { opsLimit: file.kdf.opsLimit, memLimit: file.kdf.memLimit };
  if (!kdfParamsValid(kdf)) throw corrupt(filePath, "key derivation parameters out of range");
  const salt = fromB64(file.kdf.salt);
  const nonce = fromB64(file.nonce);
  const ciphertext = fromB64(file.ciphertext);
  if (salt.length !== sodium.crypto_pwhash_SALTBYTES) throw corrupt(filePath, "salt has the wrong length");
  if (nonce.length !== sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) {
    throw corrupt(filePath, "nonce has the wrong length");
  }
  if (ciphertext.length < sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    throw corrupt(filePath, "ciphertext too short");
  }
  const expected = checksum(sodium, headerBytes(kdf, salt, nonce), ciphertext);
  const stored = fromB64(file.checksum);
  if (stored.length !== expected.length || !sodium.memcmp(expected, stored)) {
    throw corrupt(filePath, "checksum mismatch");
  }
  return { kdf: { ...kdf, salt }, nonce, ciphertext };
}

/**
 * Decrypts a parsed file. The checksum already proved the bytes are as written, so a failed authentication
 * means the key is wrong (or someone rewrote the file and its checksum). Throws `KeystoreError` `wrong-key`.
 */
export function openStoreFile(
  sodium: Sodium,
  filePath: string,
  file: ParsedStoreFile,
  key: Uint8Array,
): string {
  try {
    const plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      file.ciphertext,
      headerBytes(file.kdf, file.kdf.salt, file.nonce),
      file.nonce,
      key,
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch (error) {
    throw new KeystoreError(
      "wrong-key",
      filePath,
      `Keystore ${filePath} could not be decrypted with the master key: LLM_MASTER_KEY is not the key it was ` +
        "written with. Nothing was changed. Check LLM_MASTER_KEY (exact value, no stray spaces or newline); " +
        `after a rotation, try the previous key or restore ${filePath}.bak.`,
      { cause: error },
    );
  }
}
