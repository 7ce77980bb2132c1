import {
  type AdFormat,
  adText,
  chooseAd,
  chooseDescription,
  chooseTagline,
  type InterestSummary,
  itemFactsFromPayload,
  type LikedItem,
  likedItemIds,
  NO_INTERESTS,
  summarizeInterests,
  taglineCandidates,
  templateAd,
  templateDescription,
} from '@tailor/generation';
import type { ItemPayload, ProfilePayload } from '@tailor/kit';

/** What is written: a description, an ad in one format, or a thumbnail's tagline. */
export type Format = 'description' | AdFormat | 'tagline';

/** A text as the bench scores it: an ad is its headline, body and call to action. */
export interface BenchCopy {
  text: string;
  /** The interest the writer says it used; null when it names none. */
  interest: string | null;
  source: 'template' | 'model';
}

/** A writer under test. */
export interface BenchWriter {
  name: string;
  write(
    item: ItemPayload,
    profile: ProfilePayload | undefined,
    catalog: ReadonlyMap<string, ItemPayload>,
    format: Format,
  ): BenchCopy;
}

/** The summary the generation service would hand its writers for this profile. */
export function summaryOf(
  profile: ProfilePayload | undefined,
  catalog: ReadonlyMap<string, ItemPayload>,
): InterestSummary {
  if (profile === undefined) return NO_INTERESTS;
  const liked = new Map<string, LikedItem>();
  for (const id of likedItemIds(profile)) {
    const item = catalog.get(id);
    if (item !== undefined) liked.set(id, item);
  }
  return summarizeInterests(profile, liked);
}

function templateCopy(item: ItemPayload, summary: InterestSummary, format: Format): BenchCopy {
  const facts = itemFactsFromPayload(item);
  if (format === 'description') {
    return { text: templateDescription(facts, summary).text, interest: null, source: 'template' };
  }
  if (format === 'tagline') {
    // The template's first badge alone; `chosenCopy` chooses between them as the product does.
    const first = taglineCandidates(facts, summary)[0]!;
    return { text: first.text, interest: null, source: 'template' };
  }
  return { text: adText(templateAd(facts, summary, format)), interest: null, source: 'template' };
}

/** The template writer as the product serves it: candidates, checked, the best chosen. */
function chosenCopy(item: ItemPayload, summary: InterestSummary, format: Format): BenchCopy {
  const facts = itemFactsFromPayload(item);
  if (format === 'description') {
    const chosen = chooseDescription(facts, summary);
    return { text: chosen.copy.text, interest: chosen.interest, source: 'template' };
  }
  if (format === 'tagline') {
    const chosen = chooseTagline(facts, summary);
    return { text: chosen.text, interest: chosen.interest, source: 'template' };
  }
  const chosen = chooseAd(facts, summary, format);
  return { text: adText(chosen.copy), interest: chosen.interest, source: 'template' };
}

/**
 * The writers of one run: the generic baseline (one text for every user), the template's
 * first candidate alone (no choosing), and the template as served (generate, then choose).
 */
export function writers(): BenchWriter[] {
  return [
    {
      name: 'generic',
      write: (item, _profile, _catalog, format) => templateCopy(item, NO_INTERESTS, format),
    },
    {
      name: 'template-first',
      write: (item, profile, catalog, format) =>
        templateCopy(item, summaryOf(profile, catalog), format),
    },
    {
      name: 'template',
      write: (item, profile, catalog, format) =>
        chosenCopy(item, summaryOf(profile, catalog), format),
    },
  ];
}
