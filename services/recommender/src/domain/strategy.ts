/** How a recommendation list was made. */
export enum Strategy {
  /** The user's own evidence (collaborative, content) took part. */
  PERSONALIZED = 'PERSONALIZED',
  /** Cold start: trending and popular items, filled with the newest. */
  TRENDING = 'TRENDING',
}

/** Why a list is the in-memory fallback instead of the usual pipeline's. */
export enum FallbackReason {
  /** The vector store (profiles, item vectors) does not answer. */
  VECTOR_STORE_UNAVAILABLE = 'VECTOR_STORE_UNAVAILABLE',
}
