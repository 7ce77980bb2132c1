/** How a recommendation list was made. */
export enum Strategy {
  /** Vector search from the user's profile. */
  PERSONALIZED = 'PERSONALIZED',
  /** Cold start: trending items, filled from the catalog. */
  TRENDING = 'TRENDING',
}
