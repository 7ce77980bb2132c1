import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Largest picture drawn into a thumbnail. */
export const MAX_LOCAL_IMAGE_BYTES = 5 * 1_048_576;

const DATA_URI = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/;

function mediaType(bytes: Buffer): 'png' | 'jpeg' | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/**
 * The item's picture as a data URI when it is at hand locally: a PNG or JPEG data URI in the
 * catalog, or a file inside `imageDir` named by a relative path or a `file:` URL. Remote URLs
 * are never fetched (no network in the render path); anything else gives undefined and the
 * thumbnail is drawn without a picture.
 */
export async function localImageDataUri(
  imageUrl: string | undefined,
  imageDir: string | undefined,
): Promise<string | undefined> {
  if (imageUrl === undefined || imageUrl === '') return undefined;
  if (imageUrl.startsWith('data:')) {
    return imageUrl.length <= (MAX_LOCAL_IMAGE_BYTES * 4) / 3 && DATA_URI.test(imageUrl)
      ? imageUrl
      : undefined;
  }
  if (imageDir === undefined) return undefined;
  let path: string;
  if (imageUrl.startsWith('file:')) {
    try {
      path = fileURLToPath(imageUrl);
    } catch {
      return undefined;
    }
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(imageUrl)) {
    return undefined;
  } else {
    path = resolve(imageDir, imageUrl);
  }
  const inside = relative(resolve(imageDir), path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  try {
    if ((await stat(path)).size > MAX_LOCAL_IMAGE_BYTES) return undefined;
    const bytes = await readFile(path);
    const type = mediaType(bytes);
    return type === undefined ? undefined : `data:image/${type};base64,${bytes.toString('base64')}`;
  } catch {
    return undefined;
  }
}
