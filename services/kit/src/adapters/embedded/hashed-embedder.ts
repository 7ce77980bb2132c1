import { fnv1a32, mix32 } from '../../hash.js';
import type { Embedder } from '../../ports/embedder.js';
import { normalizeInPlace } from '../../vectors.js';

/** Options of {@link createHashedEmbedder}. */
export interface HashedEmbedderOptions {
  /** Length of every vector; more dimensions mean fewer hash collisions between features. */
  dimension: number;
}

export const HASHED_EMBEDDER_MIN_DIMENSION = 8;
export const HASHED_EMBEDDER_MAX_DIMENSION = 4096;

/** Bumped whenever features or weights change, since stored vectors then stop comparing. */
const VERSION = 'v1';

/**
 * Feature weights. Words carry the meaning; word pairs reward shared phrases; character
 * trigrams (of each word, with boundary marks) let "shoe" and "shoes" meet, at a low weight so
 * they never outvote whole words.
 */
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
const TRIGRAM_WEIGHT = 0.25;

/** Hashed when a text has no word at all, so even an empty text gets a unit vector. */
const EMPTY_FEATURE = 'w\u0000empty';

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Lowercased words: runs of Unicode letters and digits, after NFKC normalization. */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
}

function characterTrigrams(token: string): string[] {
  const chars = Array.from(`^${token}$`);
  if (chars.length <= 3) return [chars.join('')];
  const grams: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i += 1) grams.push(chars.slice(i, i + 3).join(''));
  return grams;
}

/**
 * Term frequencies by feature. The first character says the kind (word, bigram, trigram), which
 * keeps kinds apart when their strings coincide and gives each its weight.
 */
function featureCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  if (tokens.length === 0) add(EMPTY_FEATURE);
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    add(`w${token}`);
    if (i + 1 < tokens.length) add(`b${token} ${tokens[i + 1]!}`);
    for (const gram of characterTrigrams(token)) add(`c${gram}`);
  }
  return counts;
}

function weightOf(feature: string): number {
  switch (feature[0]) {
    case 'b':
      return BIGRAM_WEIGHT;
    case 'c':
      return TRIGRAM_WEIGHT;
    default:
      return WORD_WEIGHT;
  }
}

function embedOne(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  for (const [feature, tf] of featureCounts(tokenize(text))) {
    const hash = fnv1a32(feature);
    // A sign from other bits of the hash keeps collisions from adding up in one direction, so
    // dot products between hashed vectors stay unbiased.
    const sign = (mix32(hash) & 1) === 0 ? 1 : -1;
    // Sublinear tf: a word said ten times is not ten times as telling.
    const index = hash % dimension;
    vector[index] = vector[index]! + sign * weightOf(feature) * (1 + Math.log(tf));
  }
  // Features can cancel out in one bucket only in contrived texts; a zero vector stays zero.
  return normalizeInPlace(vector);
}

/**
 * A deterministic embedder that needs no model download: hashed word, word-pair and character
 * trigram features, sublinear term frequency, L2-normalized. Texts sharing words land closer
 * than unrelated ones; it knows nothing of synonyms. The model name carries the dimension, so
 * vectors of different sizes are never mistaken for each other.
 */
export function createHashedEmbedder(options: HashedEmbedderOptions): Embedder {
  const { dimension } = options;
  if (
    !Number.isInteger(dimension) ||
    dimension < HASHED_EMBEDDER_MIN_DIMENSION ||
    dimension > HASHED_EMBEDDER_MAX_DIMENSION
  ) {
    throw new RangeError(
      `dimension must be a whole number from ${HASHED_EMBEDDER_MIN_DIMENSION} to ${HASHED_EMBEDDER_MAX_DIMENSION}, got ${dimension}`,
    );
  }
  return {
    model: `hashed-${VERSION}-${dimension}`,
    dimension,
    embed: (texts) => Promise.resolve(texts.map((text) => embedOne(text, dimension))),
  };
}
