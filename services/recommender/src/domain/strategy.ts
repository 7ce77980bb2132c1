/** How a recommendation list was made. */
export enum Strategy {
  /** The user's own evidence (collaborative, content) took part. */
  PERSONALIZED = 'PERSONALIZED',
  /** Cold start: trending and popular items, filled with the newest. */
  TRENDING = 'TRENDING',
}
