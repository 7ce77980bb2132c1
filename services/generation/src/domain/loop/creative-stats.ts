import type { Angle } from './angles.js';
import { type Rate, wilson } from './attribution.js';

/** What one showing counts under: its creative, and the (format, surface, angle) cell. */
export interface StatShowing {
  creativeId: string;
  itemId: string;
  format: string;
  surface: string;
  angle: Angle;
}

/** Counts of a group of showings. */
export interface Counts {
  impressions: number;
  /** Showings with at least one click credited. */
  clicks: number;
  /** Showings with an add to cart or a purchase credited. */
  conversions: number;
  /** Sum of the showings' rewards (each in [0, 1]). */
  reward: number;
}

/** Counts with their rates: click-through and conversion per impression, 95% Wilson intervals. */
export interface RatedCounts extends Counts {
  ctr: Rate;
  conversionRate: Rate;
}

/** One creative's figures. */
export interface CreativeFigures extends RatedCounts {
  creativeId: string;
  itemId: string;
  format: string;
  angle: Angle;
}

/** One (format, surface, angle) cell's counts: the finest grain kept apart from creatives. */
export interface CellCounts extends Counts {
  format: string;
  surface: string;
  angle: Angle;
}

/** What a credited event changed on a showing (see the ledger's credit). */
export interface StatCredit {
  added: number;
  clicked: boolean;
  converted: boolean;
}

function zero(): Counts {
  return { impressions: 0, clicks: 0, conversions: 0, reward: 0 };
}

function add(into: Counts, from: Counts, sign: 1 | -1): void {
  into.impressions += sign * from.impressions;
  into.clicks += sign * from.clicks;
  into.conversions += sign * from.conversions;
  into.reward = Math.max(0, into.reward + sign * from.reward);
}

/** Counts with Wilson intervals: they hold at small counts and rates near 0, where CTRs live. */
export function rated(counts: Counts): RatedCounts {
  return {
    ...counts,
    ctr: wilson(counts.clicks, counts.impressions),
    conversionRate: wilson(counts.conversions, counts.impressions),
  };
}

/**
 * Impressions, clicks, conversions and rewards per creative and per (format, surface, angle)
 * cell, kept as running sums of the showings and credits attributed to them. A showing's
 * contribution can be taken back whole (a forgotten user's), so the sums stay what the held
 * showings add up to. Angle and surface figures are sums of cells, so every view agrees.
 */
export class CreativeStatsTally {
  private readonly creatives = new Map<
    string,
    { itemId: string; format: string; angle: Angle; counts: Counts }
  >();
  /** itemId → its creatives' ids. */
  private readonly byItem = new Map<string, Set<string>>();
  /** format NUL surface NUL angle → counts. */
  private readonly cellCounts = new Map<string, CellCounts>();

  shown(s: StatShowing): void {
    this.apply(s, { impressions: 1, clicks: 0, conversions: 0, reward: 0 }, 1);
  }

  credited(s: StatShowing, credit: StatCredit): void {
    this.apply(
      s,
      {
        impressions: 0,
        clicks: credit.clicked ? 1 : 0,
        conversions: credit.converted ? 1 : 0,
        reward: credit.added,
      },
      1,
    );
  }

  /** Takes a showing back with everything credited to it. */
  removed(s: StatShowing, earned: { clicked: boolean; converted: boolean; reward: number }): void {
    this.apply(
      s,
      {
        impressions: 1,
        clicks: earned.clicked ? 1 : 0,
        conversions: earned.converted ? 1 : 0,
        reward: earned.reward,
      },
      -1,
    );
  }

  /** The creatives of an item that were shown, most shown first. */
  byCreative(itemId: string): CreativeFigures[] {
    const ids = this.byItem.get(itemId) ?? new Set<string>();
    return [...ids]
      .map((creativeId) => {
        const c = this.creatives.get(creativeId)!;
        return {
          creativeId,
          itemId: c.itemId,
          format: c.format,
          angle: c.angle,
          ...rated(c.counts),
        };
      })
      .sort((a, b) => b.impressions - a.impressions || a.creativeId.localeCompare(b.creativeId));
  }

  /** Every (format, surface, angle) cell with an impression, for metrics. */
  cells(): CellCounts[] {
    return [...this.cellCounts.values()].map((c) => ({ ...c }));
  }

  /**
   * Counts summed over the cells `filter` keeps, grouped by `keyOf`, largest first: per angle
   * (`keyOf` the angle) or per surface.
   */
  grouped(
    keyOf: (cell: CellCounts) => string,
    filter: (cell: CellCounts) => boolean = () => true,
  ): { key: string; figures: RatedCounts }[] {
    const groups = new Map<string, Counts>();
    for (const cell of this.cellCounts.values()) {
      if (!filter(cell)) continue;
      const key = keyOf(cell);
      const counts = groups.get(key) ?? zero();
      add(counts, cell, 1);
      groups.set(key, counts);
    }
    return [...groups.entries()]
      .map(([key, counts]) => ({ key, figures: rated(counts) }))
      .sort((a, b) => b.figures.impressions - a.figures.impressions || a.key.localeCompare(b.key));
  }

  private apply(s: StatShowing, delta: Counts, sign: 1 | -1): void {
    let creative = this.creatives.get(s.creativeId);
    if (creative === undefined) {
      creative = { itemId: s.itemId, format: s.format, angle: s.angle, counts: zero() };
      this.creatives.set(s.creativeId, creative);
      const ids = this.byItem.get(s.itemId) ?? new Set<string>();
      ids.add(s.creativeId);
      this.byItem.set(s.itemId, ids);
    }
    add(creative.counts, delta, sign);
    if (creative.counts.impressions <= 0) {
      this.creatives.delete(s.creativeId);
      const ids = this.byItem.get(s.itemId);
      ids?.delete(s.creativeId);
      if (ids?.size === 0) this.byItem.delete(s.itemId);
    }
    const key = `${s.format}\u0000${s.surface}\u0000${s.angle}`;
    let cell = this.cellCounts.get(key);
    if (cell === undefined) {
      cell = { format: s.format, surface: s.surface, angle: s.angle, ...zero() };
      this.cellCounts.set(key, cell);
    }
    add(cell, delta, sign);
    if (cell.impressions <= 0) this.cellCounts.delete(key);
  }
}
