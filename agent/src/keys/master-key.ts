// The one rule for a master key a user chooses (LLM_MASTER_KEY, the new key of a rotation): long enough that
// Argon2id is not the only thing between a stolen keystore file and its keys. Every check and message uses it.

/** The fewest characters a master key may have. */
export const MASTER_KEY_MIN_LENGTH = 12;

/** True when `key` has at least MASTER_KEY_MIN_LENGTH characters. */
export function isLongEnoughMasterKey(key: string): boolean {
  return key.length >= MASTER_KEY_MIN_LENGTH;
}
