import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../lib/paths.js';
import { parseCsv } from './csv.js';
import type { Rating } from './split.js';

/** Where the data set sits in a checkout laid out as `<workspace>/main` + `<workspace>/shared`. */
export const DEFAULT_DATA_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'movielens-small');

/** A movie of `movies.csv`. */
export interface Movie {
  movieId: string;
  /** Without the trailing "(year)". */
  title: string;
  year: string | null;
  genres: string[];
}

/** What the quality bench reads of a MovieLens release. */
export interface MovieLens {
  dir: string;
  movies: Movie[];
  /** With `itemId` = movieId and timestamps in epoch milliseconds. */
  ratings: Rating[];
  /** Per movieId, each user tag (lowercased) with how many times it was applied. */
  tags: Map<string, Map<string, number>>;
}

const NO_GENRES = '(no genres listed)';
const TITLE_YEAR = /^(.*?)\s*\((\d{4})(?:\s*[-–]\s*\d{4})?\)\s*$/;

/** "Toy Story (1995)" → title "Toy Story", year "1995"; a title without a year keeps it whole. */
export function splitTitle(raw: string): { title: string; year: string | null } {
  const match = TITLE_YEAR.exec(raw.trim());
  if (match === null || match[1]!.trim() === '') return { title: raw.trim(), year: null };
  return { title: match[1]!.trim(), year: match[2]! };
}

function need(dir: string, file: string): string {
  const at = path.join(dir, file);
  if (!existsSync(at)) {
    throw new Error(
      `MovieLens file ${at} not found: pass --data <dir> with movies.csv and ratings.csv (any MovieLens release in CSV form, e.g. ml-latest-small)`,
    );
  }
  return readFileSync(at, 'utf8');
}

/** Reads movies.csv, ratings.csv and (when present) tags.csv of a MovieLens release. */
export function loadMovieLens(dir: string): MovieLens {
  const movies = parseCsv(need(dir, 'movies.csv')).map((row): Movie => {
    const { title, year } = splitTitle(row.title ?? '');
    const genres = (row.genres ?? '')
      .split('|')
      .map((g) => g.trim())
      .filter((g) => g !== '' && g !== NO_GENRES);
    return { movieId: row.movieId ?? '', title, year, genres };
  });
  const ratings = parseCsv(need(dir, 'ratings.csv')).map((row): Rating => ({
    userId: row.userId ?? '',
    itemId: row.movieId ?? '',
    rating: Number(row.rating),
    // MovieLens stores seconds; the event contract speaks milliseconds.
    timestamp: Number(row.timestamp) * 1000,
  }));
  const bad = ratings.find(
    (r) =>
      r.userId === '' ||
      r.itemId === '' ||
      !Number.isFinite(r.rating) ||
      !Number.isFinite(r.timestamp),
  );
  if (bad !== undefined)
    throw new Error(`ratings.csv has an unreadable row: ${JSON.stringify(bad)}`);
  const tags = new Map<string, Map<string, number>>();
  if (existsSync(path.join(dir, 'tags.csv'))) {
    for (const row of parseCsv(need(dir, 'tags.csv'))) {
      const tag = (row.tag ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
      if (tag === '' || row.movieId === undefined) continue;
      let counts = tags.get(row.movieId);
      if (counts === undefined) {
        counts = new Map();
        tags.set(row.movieId, counts);
      }
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  return { dir, movies, ratings, tags };
}
