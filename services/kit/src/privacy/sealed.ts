import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The content type of a sealed `user-events` message; plain ones are `application/json`. */
export const SEALED_CONTENT_TYPE = 'application/vnd.tailor.sealed-event+json';

/** A sealed message value: AES-256-GCM over the event's JSON, bound to its subject. */
interface SealedValue {
  v: 1;
  sub: string;
  iv: string;
  /** Ciphertext followed by the 16-byte tag, base64. */
  ct: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals `plaintext` with the user's key; the subject is authenticated too. */
export function seal(plaintext: string, subject: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const value: SealedValue = {
    v: 1,
    sub: subject,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
  };
  return JSON.stringify(value);
}

/** The subject a sealed value names, or undefined when the value is not a sealed one. */
export function sealedSubject(value: string): string | undefined {
  if (!value.startsWith('{"v":1,"sub":')) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<SealedValue>;
    return typeof parsed.sub === 'string' ? parsed.sub : undefined;
  } catch {
    return undefined;
  }
}

/** Opens a sealed value; throws when the key is not the one it was sealed with or it was altered. */
export function openSealed(value: string, key: Buffer): string {
  const parsed = JSON.parse(value) as SealedValue;
  const bytes = Buffer.from(parsed.ct, 'base64');
  if (bytes.length < TAG_BYTES) throw new Error('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.iv, 'base64'));
  decipher.setAAD(Buffer.from(parsed.sub, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}
