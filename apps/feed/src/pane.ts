// One feed: a user, their profile panel and their cards, and what the buttons do to them.
import ForgetUser from '../../../graph/operations/ForgetUser.graphql';
import Home from '../../../graph/operations/Home.graphql';
import RecordEvents from '../../../graph/operations/RecordEvents.graphql';
import type { Execute } from './client.js';
import FeedCreativeStats from './CreativeStats.graphql';
import { DEMO_USERS } from './demo-users.js';
import { noticeOf } from './loop-panel.js';
import {
  ANGLE_LABELS,
  type CardAction,
  cardEvent,
  cardVariants,
  type CreativeStats,
  type CreativeStatsData,
  FEED_SURFACE,
  type FeedCard,
  type HomeData,
  interestRows,
  type ProfileData,
  type ProfileSnapshot,
  statsLine,
  statsMoved,
  statsOf,
} from './model.js';
import FeedProfile from './Profile.graphql';
import {
  fromTemplate,
  part,
  renderCard,
  renderInterest,
  setDelta,
  setVariantStats,
} from './view.js';

/** How many cards a feed shows. */
const FEED_SIZE = 5;
/** Longest wait for the profiles service to apply the events a button recorded. */
const PROFILE_CATCH_UP_MS = 10_000;
/** Pause between two reads of the profile while waiting for it to catch up. */
const PROFILE_POLL_MS = 200;
/** Longest wait for the generation service to credit a Like or Buy to the card's variant. */
const CREDIT_CATCH_UP_MS = 10_000;

type PaneState = 'empty' | 'loading' | 'ready' | 'error';

interface RecordEventsData {
  recordEvents: {
    accepted: number;
    errors: { index: number; field: string; message: string }[];
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link FeedPane}. */
export interface FeedPaneOptions {
  execute: Execute;
  /** Unique per pane; prefixes element ids. */
  id: string;
  /** Told when the pane shows another user, to keep the address bar in step. */
  onUserChange: () => void;
  /** Told after each refresh: the list showed variants, and an event may have earned credit. */
  onRefreshed: () => void;
}

export class FeedPane {
  readonly element = fromTemplate('pane-template');
  private userId: string | undefined;
  /** The profile as last shown: the baseline of the deltas. */
  private profile: ProfileSnapshot | undefined;
  private refreshes = 0;
  /** The {@link show} still loading, if any. */
  private showing: { userId: string; done: Promise<void> } | undefined;
  private readonly input = part<HTMLInputElement>(this.element, 'input[name="userId"]');
  private readonly forgetButton = part<HTMLButtonElement>(this.element, '.forget');

  constructor(private readonly options: FeedPaneOptions) {
    const title = part(this.element, '.pane-title');
    title.id = `${options.id}-title`;
    this.element.setAttribute('aria-labelledby', title.id);
    this.input.id = `${options.id}-user`;
    const profileTitle = part(this.element, '.profile-title');
    profileTitle.id = `${options.id}-profile-title`;
    part(this.element, '.profile').setAttribute('aria-labelledby', profileTitle.id);

    part(this.element, '.demo-users').replaceChildren(
      ...DEMO_USERS.map((user) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'demo-user';
        button.dataset.userId = user.id;
        button.textContent = user.id;
        button.title = user.persona;
        button.setAttribute('aria-label', `Show the feed of ${user.id} (${user.persona})`);
        button.addEventListener('click', () => void this.show(user.id));
        return button;
      }),
    );
    part<HTMLFormElement>(this.element, '.picker').addEventListener('submit', (event) => {
      event.preventDefault();
      const userId = this.input.value.trim();
      if (userId !== '') void this.show(userId);
    });
    this.forgetButton.addEventListener('click', () => void this.forget());
  }

  get currentUser(): string | undefined {
    return this.userId;
  }

  /**
   * Shows a user's feed from scratch: no deltas against whoever was shown before. Asked again
   * for the user whose feed is still loading (the page opens on one), it waits for that load
   * rather than starting a second one that would replace the cards under the reader.
   */
  show(userId: string): Promise<void> {
    if (this.showing !== undefined && this.showing.userId === userId) return this.showing.done;
    const done = this.load(userId).finally(() => {
      if (this.showing?.done === done) this.showing = undefined;
    });
    this.showing = { userId, done };
    return done;
  }

  private async load(userId: string): Promise<void> {
    this.userId = userId;
    this.profile = undefined;
    this.input.value = userId;
    part(this.element, '.pane-title').textContent = `Feed of ${userId}`;
    this.forgetButton.disabled = false;
    this.forgetButton.setAttribute('aria-label', `Forget ${userId}: erase profile and history`);
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('.demo-user')) {
      button.setAttribute('aria-pressed', String(button.dataset.userId === userId));
    }
    this.options.onUserChange();
    await this.refresh();
  }

  /**
   * Serves a fresh list and reads the profile again; deltas are against the last refresh.
   * `done` says what led to the refresh, to keep it on screen.
   */
  async refresh(done?: string): Promise<void> {
    const userId = this.userId;
    if (userId === undefined) return;
    await this.busy(`Loading the feed of ${userId}…`, async () => {
      const [home, profile] = await Promise.all([
        this.options.execute<HomeData>(Home, { userId, first: FEED_SIZE, surface: FEED_SURFACE }),
        this.readProfile(userId),
      ]);
      if (userId !== this.userId) return;
      this.renderProfile(profile);
      const cards = this.renderCards(userId, home.user.recommendations);
      await this.renderStats(cards);
      const { strategy, items } = home.user.recommendations;
      const served = `${items.length} recommendations (${strategy.toLowerCase()}).`;
      this.status(done === undefined ? served : `${done} Fresh list: ${served}`);
    });
    this.options.onRefreshed();
  }

  private async act(card: FeedCard, position: number, action: CardAction): Promise<void> {
    const userId = this.userId;
    const recommendationId = this.element.dataset.recommendationId;
    if (userId === undefined || recommendationId === undefined) return;
    const what = `${action.label.toLowerCase()} of ${card.item.title}`;
    const credited = cardVariants(card).find((v) => v.credited);
    const recorded = await this.busy(`Recording the ${what}…`, async () => {
      const before = this.profile?.eventCount ?? 0;
      // Read before the event, so the wait below knows what the credit adds to.
      const statsBefore = action.earns ? await this.creativeStats(card.item.id) : undefined;
      const event = cardEvent(userId, recommendationId, card, position, action);
      const { recordEvents } = await this.options.execute<RecordEventsData>(RecordEvents, {
        events: [event],
      });
      const refused = recordEvents.errors[0];
      if (refused !== undefined) throw new Error(`${refused.field}: ${refused.message}`);
      this.status(`Recorded the ${what}; waiting for the profile to apply it…`);
      await this.waitForProfile(userId, before + recordEvents.accepted);
      if (credited === undefined || statsBefore === undefined || 'notice' in statsBefore)
        return `Recorded the ${what}.`;
      this.status(`Recorded the ${what}; waiting for the loop to credit its picture…`);
      const was = statsOf(credited, statsBefore.stats);
      const now = await this.waitForCredit(card.item.id, (stats) =>
        statsMoved(was, statsOf(credited, stats)),
      );
      const variant = `Its picture (${ANGLE_LABELS[credited.angle]})`;
      return now === undefined
        ? `Recorded the ${what}; the loop has not credited its picture yet.`
        : `Recorded the ${what}. ${variant} now: ${statsLine(statsOf(credited, now))}.`;
    });
    if (recorded !== undefined) await this.refresh(recorded);
  }

  /** The loop's figures of an item's creatives, or what to show instead when they are denied. */
  private async creativeStats(
    itemId: string,
  ): Promise<{ stats: CreativeStats[] } | { notice: string }> {
    try {
      const data = await this.options.execute<CreativeStatsData>(FeedCreativeStats, { itemId });
      return { stats: data.creativeStats };
    } catch (error) {
      return { notice: noticeOf(error) };
    }
  }

  /**
   * Reads an item's creative stats until `credited` says the event reached them; undefined
   * after a deadline (the event may earn nothing: a variant shown in another list, say).
   */
  private async waitForCredit(
    itemId: string,
    credited: (stats: readonly CreativeStats[]) => boolean,
  ): Promise<CreativeStats[] | undefined> {
    const deadline = Date.now() + CREDIT_CATCH_UP_MS;
    for (;;) {
      const read = await this.creativeStats(itemId);
      if ('notice' in read) return undefined;
      if (credited(read.stats)) return read.stats;
      if (Date.now() > deadline) return undefined;
      await delay(PROFILE_POLL_MS);
    }
  }

  private async forget(): Promise<void> {
    const userId = this.userId;
    if (userId === undefined) return;
    const forgotten = await this.busy(`Forgetting ${userId}…`, async () => {
      await this.options.execute(ForgetUser, { userId });
      // A forgotten user starts over: comparing with the erased profile would say nothing.
      this.profile = undefined;
      return true;
    });
    if (forgotten === true) await this.refresh(`Forgot ${userId}.`);
  }

  /** Reads the profile until it holds `eventCount` events, or gives up after a deadline. */
  private async waitForProfile(userId: string, eventCount: number): Promise<void> {
    const deadline = Date.now() + PROFILE_CATCH_UP_MS;
    while ((await this.readProfile(userId)).eventCount < eventCount) {
      if (Date.now() > deadline) {
        this.status('The profile has not applied the event yet; showing it as it is.');
        return;
      }
      await delay(PROFILE_POLL_MS);
    }
  }

  private async readProfile(userId: string): Promise<ProfileSnapshot> {
    const data = await this.options.execute<ProfileData>(FeedProfile, { userId });
    return data.user.profile;
  }

  private renderProfile(profile: ProfileSnapshot): void {
    const before = this.profile;
    this.profile = profile;
    part(this.element, '.event-count').textContent = String(profile.eventCount);
    const eventDelta = before === undefined ? 0 : profile.eventCount - before.eventCount;
    setDelta(part(this.element, '.event-delta'), eventDelta === 0 ? '' : `+${eventDelta}`);
    const lists = [
      ['category', profile.topCategories, before?.topCategories],
      ['tag', profile.topTags, before?.topTags],
    ] as const;
    for (const [kind, now, was] of lists) {
      const list = part(this.element, `.interests[data-kind="${kind}"]`);
      const rows = interestRows(now, was).map(renderInterest);
      if (rows.length === 0) {
        const empty = document.createElement('li');
        empty.className = 'empty';
        empty.textContent = 'Nothing learnt yet.';
        rows.push(empty);
      }
      list.replaceChildren(...rows);
    }
  }

  private renderCards(
    userId: string,
    list: HomeData['user']['recommendations'],
  ): { card: FeedCard; element: HTMLElement }[] {
    this.refreshes += 1;
    const prefix = `${this.options.id}-r${this.refreshes}`;
    this.element.dataset.userId = userId;
    this.element.dataset.recommendationId = list.recommendationId;
    const cards = list.items.map((card, index) => ({
      card,
      element: renderCard(card, cardVariants(card), index + 1, prefix, (c, position, action) => {
        void this.act(c, position, action);
      }),
    }));
    part(this.element, '.cards').replaceChildren(...cards.map((c) => c.element));
    return cards;
  }

  /** Fills every card's variant figures, one read per item, all at once. */
  private async renderStats(cards: readonly { card: FeedCard; element: HTMLElement }[]) {
    await Promise.all(
      cards.map(async ({ card, element }) => {
        const read = await this.creativeStats(card.item.id);
        if ('notice' in read) setVariantStats(element, undefined, read.notice);
        else setVariantStats(element, read.stats);
      }),
    );
  }

  /**
   * Runs one step with the pane's buttons disabled and its state in `data-state` (what the
   * browser test waits on). Errors are shown in the pane; the result is undefined then.
   */
  private async busy<T>(message: string, step: () => Promise<T>): Promise<T | undefined> {
    this.setState('loading');
    this.status(message);
    try {
      const result = await step();
      this.setState('ready');
      return result;
    } catch (error) {
      this.setState('error');
      this.status(`Failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private setState(state: PaneState): void {
    this.element.dataset.state = state;
    this.element.setAttribute('aria-busy', String(state === 'loading'));
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('.cards button')) {
      button.disabled = state === 'loading';
    }
  }

  private status(message: string): void {
    part(this.element, '.status').textContent = message;
  }
}
