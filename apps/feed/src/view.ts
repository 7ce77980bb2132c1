// Fills the page's <template>s from data. Text goes in through textContent only, so nothing the
// graph returns is ever parsed as HTML.
import {
  ANGLE_LABELS,
  type AngleRow,
  armResultLine,
  armSettingsLine,
  CARD_ACTIONS,
  type CardAction,
  type CardVariant,
  choiceLine,
  type CreativeStats,
  type ExperimentDefinition,
  type ExperimentResults,
  type FeedCard,
  formatDelta,
  formatShare,
  interestLine,
  type InterestRow,
  statsLine,
  statsOf,
  verdictLine,
} from './model.js';

/** Clones the first element of a `<template id=…>`. */
export function fromTemplate(id: string): HTMLElement {
  const template = document.getElementById(id);
  if (!(template instanceof HTMLTemplateElement)) throw new Error(`missing <template id="${id}">`);
  const element = template.content.firstElementChild?.cloneNode(true);
  if (!(element instanceof HTMLElement)) throw new Error(`<template id="${id}"> is empty`);
  return element;
}

/** The one element matching `selector` under `root`; a missing one is a bug in index.html. */
export function part<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const element = root.querySelector<E>(selector);
  if (element === null) throw new Error(`missing ${selector}`);
  return element;
}

function setText(root: ParentNode, selector: string, text: string): void {
  part(root, selector).textContent = text;
}

/** Shows a signed change, coloured by direction. */
export function setDelta(element: HTMLElement, text: string): void {
  element.textContent = text;
  element.classList.toggle('up', text.startsWith('+'));
  element.classList.toggle('down', text.startsWith('-'));
}

function formatPrice(price: FeedCard['item']['price']): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: price.currency }).format(
      price.amount,
    );
  } catch {
    // An unknown currency code must not blank the card.
    return `${price.amount} ${price.currency}`;
  }
}

/** One interest row: name, bar, share and change since the previous refresh. */
export function renderInterest(row: InterestRow): HTMLElement {
  const li = fromTemplate('interest-template');
  li.dataset.name = row.name;
  li.dataset.weight = String(row.weight);
  setText(li, '.name', row.name);
  part(li, '.fill').style.width = formatShare(row.weight);
  setText(li, '.share', formatShare(row.weight));
  setDelta(part(li, '.delta'), row.isNew ? 'new' : formatDelta(row.delta));
  return li;
}

/** Where a card's buttons report to. */
export type OnAction = (card: FeedCard, position: number, action: CardAction) => void;

/** One feed card; `idPrefix` keeps element ids unique across panes and refreshes. */
export function renderCard(
  card: FeedCard,
  variants: readonly CardVariant[],
  position: number,
  idPrefix: string,
  onAction: OnAction,
): HTMLElement {
  const li = fromTemplate('card-template');
  const titleId = `${idPrefix}-title-${position}`;
  li.dataset.itemId = card.item.id;
  li.dataset.category = card.item.category;
  part(li, 'article').setAttribute('aria-labelledby', titleId);

  const img = part<HTMLImageElement>(li, '.thumb');
  img.src = card.thumbnail.url;
  img.alt = card.thumbnail.altText;
  img.width = card.thumbnail.width;
  img.height = card.thumbnail.height;

  const title = part(li, '.title');
  title.id = titleId;
  title.textContent = card.item.title;
  setText(li, '.category', card.item.category);
  setText(li, '.price', formatPrice(card.item.price));
  setText(li, '.score', card.score.toFixed(3));

  part(li, '.ad').setAttribute('aria-label', `Ad for ${card.item.title}`);
  setText(li, '.ad-headline', card.ad.headline);
  setText(li, '.ad-body', card.ad.body);
  setText(li, '.ad-cta', card.ad.callToAction);

  const { description } = card;
  setText(li, '.description', description.text);
  setText(
    li,
    '.provenance',
    `Written by ${description.provider} (${description.model}, ${description.promptVersion})` +
      (description.grounded ? ' · grounded in the item facts' : ' · not grounded'),
  );
  setText(li, '.copy-interest', interestLine(card));

  part(li, '.variants').replaceChildren(...variants.map(renderVariant));

  part(li, '.reasons').replaceChildren(
    ...card.reasons.map((reason) => {
      const item = document.createElement('li');
      item.textContent = reason;
      return item;
    }),
  );

  const actions = part(li, '.actions');
  actions.setAttribute('aria-label', `Actions for ${card.item.title}`);
  actions.replaceChildren(
    ...CARD_ACTIONS.map((action) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `action action-${action.action}`;
      button.dataset.action = action.action;
      button.textContent = action.label;
      button.setAttribute('aria-label', `${action.label} ${card.item.title}`);
      button.addEventListener('click', () => onAction(card, position, action));
      return button;
    }),
  );
  return li;
}

/** One variant of a card: format, angle, whether the buttons credit it; figures come later. */
function renderVariant(variant: CardVariant): HTMLElement {
  const li = fromTemplate('variant-template');
  li.dataset.format = variant.format;
  li.dataset.creativeId = variant.creativeId;
  li.dataset.angle = variant.angle;
  setText(li, '.variant-label', variant.label);
  setText(li, '.variant-angle', ANGLE_LABELS[variant.angle]);
  part(li, '.credited').hidden = !variant.credited;
  setText(li, '.variant-choice', choiceLine(variant.choice));
  if (variant.choice !== null) {
    li.dataset.propensity = String(variant.choice.propensity);
    li.dataset.bucket = variant.choice.bucket;
  }
  setText(li, '.creative-id', variant.creativeId);
  return li;
}

/**
 * Fills a card's variant figures from its item's creative stats, or puts `notice` in their
 * place when they could not be read. The figures' counts go in data attributes too, for tests.
 */
export function setVariantStats(
  card: ParentNode,
  stats: readonly CreativeStats[] | undefined,
  notice = '',
): void {
  for (const li of card.querySelectorAll<HTMLElement>('.variant')) {
    const figures =
      stats === undefined ? undefined : statsOf({ creativeId: li.dataset.creativeId ?? '' }, stats);
    setText(li, '.variant-stats', stats === undefined ? notice : statsLine(figures));
    li.dataset.impressions = String(figures?.impressions ?? 0);
    li.dataset.reward = String(figures?.reward ?? 0);
    li.dataset.conversions = String(figures?.conversions ?? 0);
  }
}

/** One row of the loop panel's angle table. */
export function renderAngle(row: AngleRow): HTMLElement {
  const li = fromTemplate('angle-template');
  li.dataset.angle = row.angle;
  li.dataset.share = String(row.share);
  li.dataset.reward = String(row.reward);
  setText(li, '.name', row.label);
  part(li, '.fill').style.width = formatShare(row.share);
  setText(li, '.share', formatShare(row.share));
  setText(li, '.angle-stats', row.line);
  return li;
}

/** One experiment: its status, arms and, when readable, per-arm results and verdict. */
export function renderExperiment(
  experiment: ExperimentDefinition,
  results: ExperimentResults | undefined,
  notice: string,
): HTMLElement {
  const li = fromTemplate('experiment-template');
  li.dataset.name = experiment.name;
  li.dataset.status = experiment.status;
  setText(li, '.experiment-name', experiment.name);
  setText(
    li,
    '.experiment-status',
    experiment.status === 'RUNNING'
      ? 'Running'
      : `Stopped${experiment.stoppedAt === null ? '' : ` at ${experiment.stoppedAt}`}`,
  );
  setText(li, '.experiment-description', experiment.description ?? '');
  part(li, '.arms').replaceChildren(
    ...experiment.arms.map((arm) => {
      const row = fromTemplate('arm-template');
      const result = results?.arms.find((r) => r.arm === arm.name);
      row.dataset.arm = arm.name;
      row.dataset.exposures = String(result?.exposures ?? 0);
      setText(row, '.arm-name', arm.name);
      setText(row, '.arm-traffic', `(${formatShare(arm.traffic)} of users)`);
      setText(row, '.arm-settings', armSettingsLine(arm.settings));
      setText(row, '.arm-result', result === undefined ? notice : armResultLine(result));
      return row;
    }),
  );
  setText(li, '.verdict', results === undefined ? '' : verdictLine(results));
  return li;
}
