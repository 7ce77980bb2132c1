import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { PROFILES_COLLECTION } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { DEMO_USERS, demoEvents } from '@tailor/mesh';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

import { query, startTestMesh, type TestMesh } from './harness.js';

/** Debian's `chromium` package; the test never downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where CI keeps the screenshots (git-ignored). Resolved from tests/dist/e2e. */
const ARTIFACTS_DIR = fileURLToPath(new URL('../../e2e/artifacts/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
/** Generous: CI machines are small and shared, and each refresh writes five cards' copy. */
const WAIT_MS = 30_000;
const FEED_SIZE = 5;

/** One experiment, so the page's panel has arms to show results for. */
const EXPERIMENTS = [
  {
    name: 'copy-bandit',
    arms: [
      { name: 'bandit', traffic: 0.5 },
      { name: 'plain', traffic: 0.5, settings: { generation: { bandit: false } } },
    ],
  },
];
/** A user no other test shows, so every variant on their first feed is chosen for that list. */
const LOOP_USER = 'feed-loop-shopper';

const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH)`;

/** The few browser globals the waits below read; the tests project has no DOM types. */
interface BrowserImage {
  complete: boolean;
  naturalWidth: number;
}
interface BrowserGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<BrowserImage> };
}

/** What the page shows of one card. */
interface CardInfo {
  itemId: string;
  category: string;
  title: string;
}

async function cardsOf(page: Page, pane: string): Promise<CardInfo[]> {
  return page.locator(`${pane} .card`).evaluateAll((cards) =>
    cards.map((card) => {
      const { dataset } = card as unknown as { dataset: Record<string, string> };
      const title = card.querySelector('.title')?.textContent ?? '';
      return { itemId: dataset.itemId ?? '', category: dataset.category ?? '', title };
    }),
  );
}

/** Waits until the pane shows a full feed whose thumbnails have all loaded. */
async function waitForFeed(page: Page, pane: string): Promise<void> {
  await page.waitForFunction(
    ({ pane, size }) => {
      const globals = globalThis as unknown as BrowserGlobals;
      const ready = globals.document.querySelectorAll(`${pane}[data-state="ready"]`).length === 1;
      const images = Array.from(globals.document.querySelectorAll(`${pane} .card img.thumb`));
      return (
        ready && images.length === size && images.every((i) => i.complete && i.naturalWidth > 0)
      );
    },
    { pane, size: FEED_SIZE },
    { timeout: WAIT_MS },
  );
}

/** Waits until the pane has served a list other than `recommendationId` and loaded it fully. */
async function waitForNewList(page: Page, pane: string, recommendationId: string): Promise<void> {
  await page
    .locator(`${pane}[data-state="ready"]:not([data-recommendation-id="${recommendationId}"])`)
    .waitFor({ timeout: WAIT_MS });
  await waitForFeed(page, pane);
}

async function recommendationIdOf(page: Page, pane: string): Promise<string> {
  const id = await page.locator(pane).getAttribute('data-recommendation-id');
  assert.ok(id, `${pane} shows no recommendation list`);
  return id;
}

async function categoryWeight(page: Page, pane: string, category: string): Promise<number> {
  const row = page.locator(`${pane} .interests[data-kind="category"] [data-name="${category}"]`);
  return (await row.count()) === 0 ? 0 : Number(await row.getAttribute('data-weight'));
}

/** The category most cards of the feed share. */
function commonestCategory(cards: readonly CardInfo[]): string {
  const counts = new Map<string, number>();
  for (const card of cards) counts.set(card.category, (counts.get(card.category) ?? 0) + 1);
  const [best] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  assert.ok(best, 'the feed has no cards');
  return best[0];
}

async function like(page: Page, pane: string, card: CardInfo): Promise<void> {
  const before = await recommendationIdOf(page, pane);
  await page
    .locator(pane)
    .getByRole('button', { name: `Like ${card.title}`, exact: true })
    .click();
  await waitForNewList(page, pane, before);
}

// Skipped per test, not per suite, so the run's summary counts what did not run.
describe('the feed page', () => {
  let t: TestMesh;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    if (skip !== false) return;
    t = await startTestMesh({ EXPERIMENTS: JSON.stringify(EXPERIMENTS) });
    base = t.mesh.gatewayUrl.replace(/\/graphql$/, '');
    const served = await fetch(`${base}/feed/`);
    assert.equal(served.status, 200, `the gateway does not serve the page: ${await served.text()}`);
    // The seeded histories are applied asynchronously; a feed before that would be cold-start.
    const seeded = await demoEvents(t.mesh.adapters.store, Date.now());
    for (const user of DEMO_USERS) {
      const expected = seeded.filter((event) => event.userId === user.id).length;
      await waitFor(
        async () => {
          const data = await query<{ user: { profile: { eventCount: number } } }>(
            t.mesh.gatewayUrl,
            'query($id: ID!) { user(id: $id) { profile { eventCount } } }',
            { id: user.id },
          );
          return data.user.profile.eventCount >= expected;
        },
        { timeoutMs: WAIT_MS, description: `the seeded history of ${user.id}` },
      );
    }
    // The trainer learns from the seeded histories once they arrive and profiles re-fold onto the
    // model a few seconds later; a feed scored before and one after would differ for that alone.
    const model = await waitFor(
      async () =>
        (
          await query<{ collaborativeModel: { version: string } | null }>(
            t.mesh.gatewayUrl,
            '{ collaborativeModel { version } }',
          )
        ).collaborativeModel?.version,
      {
        timeoutMs: WAIT_MS,
        description: 'the collaborative model trained on the seeded histories',
      },
    );
    await waitFor(
      async () =>
        (await t.mesh.adapters.store.count(PROFILES_COLLECTION, {
          must: [{ key: 'cfModelVersion', match: { value: model } }],
        })) >= DEMO_USERS.length,
      { timeoutMs: WAIT_MS, description: `the demo profiles folded onto model ${model}` },
    );
    userDataDir = mkdtempSync(join(tmpdir(), 'tailor-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: VIEWPORT,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        pageErrors.push(`${message.text()} (${message.location().url})`);
      }
    });
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
  });

  beforeEach(() => {
    pageErrors.length = 0;
  });

  after(async () => {
    await context?.close();
    await t?.destroy();
    if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  });

  describe('when a demo user likes two items of one category', () => {
    it(
      'shows five cards with thumbnails, raises the category in the profile and changes the feed',
      { skip },
      async () => {
        const pane = '#panes .pane:nth-child(1)';
        await page.goto(`${base}/`);
        await page
          .getByRole('button', { name: /^Show the feed of demo-alice/ })
          .first()
          .click();
        await waitForFeed(page, pane);

        const first = await cardsOf(page, pane);
        assert.equal(first.length, FEED_SIZE);
        for (const card of first) {
          const alt = await page
            .locator(`${pane} .card[data-item-id="${card.itemId}"] img`)
            .getAttribute('alt');
          assert.ok(
            alt !== null && alt.length > 0,
            `the thumbnail of ${card.itemId} has no alt text`,
          );
        }
        const category = commonestCategory(first);
        const weightBefore = await categoryWeight(page, pane, category);

        const liked: CardInfo[] = [];
        for (let n = 0; n < 2; n += 1) {
          const card = (await cardsOf(page, pane)).find(
            (c) => c.category === category && !liked.some((l) => l.itemId === c.itemId),
          );
          assert.ok(card, `the feed offers no further ${category} item to like`);
          await like(page, pane, card);
          liked.push(card);
        }

        const weightAfter = await categoryWeight(page, pane, category);
        assert.ok(
          weightAfter > weightBefore,
          `${category} weight went from ${weightBefore} to ${weightAfter}`,
        );
        const delta = await page
          .locator(`${pane} .interests[data-kind="category"] [data-name="${category}"] .delta`)
          .textContent();
        assert.match(delta ?? '', /^\+\d/, 'the panel shows the rise since the last refresh');
        const last = await cardsOf(page, pane);
        assert.notDeepEqual(
          last.map((c) => c.itemId),
          first.map((c) => c.itemId),
          'the feed changed',
        );
        for (const card of liked) {
          assert.ok(!last.some((c) => c.itemId === card.itemId), `${card.itemId} is still offered`);
        }
        const interestLines = await page.locator(`${pane} .card .copy-interest`).allTextContents();
        assert.equal(interestLines.length, last.length, 'every card has its interest line');
        for (const line of interestLines) {
          assert.match(line, /^Copy written around your interest in \S/, 'names the interest');
        }
        await page.locator('h1').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(ARTIFACTS_DIR, 'feed.png') });
        assert.deepEqual(pageErrors, []);
      },
    );
  });

  describe('when a shopper likes a card', () => {
    it(
      "shows each card's variants and credits the liked picture in the loop's figures",
      { skip },
      async () => {
        const pane = '#panes .pane:nth-child(1)';
        await page.goto(`${base}/feed/?user=${LOOP_USER}`);
        await waitForFeed(page, pane);
        const variants = await page
          .locator(`${pane} .card:nth-child(1) .variant`)
          .evaluateAll((items) =>
            items.map((item) => {
              const { dataset } = item as unknown as { dataset: Record<string, string> };
              const credited = item.querySelector('.credited') as unknown as { hidden: boolean };
              return {
                format: dataset.format,
                creativeId: dataset.creativeId,
                credited: !credited.hidden,
              };
            }),
          );
        assert.deepEqual(
          variants.map((v) => [v.format, v.credited]),
          [
            ['THUMBNAIL', true],
            ['AD_BANNER', false],
            ['DESCRIPTION', false],
          ],
        );
        assert.equal(
          new Set(variants.map((v) => v.creativeId)).size,
          3,
          'three distinct creatives',
        );
        const picture = page.locator(
          `${pane} .card:nth-child(1) .variant[data-format="THUMBNAIL"]`,
        );
        assert.match(
          (await picture.locator('.variant-stats').textContent()) ?? '',
          /^shown 1 time · reward 0\.00/,
        );
        // Whichever arm the user is in, the card says how the picture was chosen.
        assert.match(
          (await picture.locator('.variant-choice').textContent()) ?? '',
          /^(Chosen by the bandit with probability \d+\.\d% in thumbnail\||Variants are off for this user)/,
        );
        assert.ok(Number(await picture.getAttribute('data-propensity')) > 0, 'a logged propensity');
        // The page's surface reaches the bandit's bucket through the recommender's list.
        assert.match((await picture.getAttribute('data-bucket')) ?? '', /^thumbnail\|feed-page\|/);
        const angle = await picture.getAttribute('data-angle');
        const angleRow = page.locator(`#loop .angle[data-angle="${angle}"]`);
        await angleRow.waitFor({ timeout: WAIT_MS });
        await page.locator('#loop[data-state="ready"]').waitFor({ timeout: WAIT_MS });
        const rewardBefore = Number(await angleRow.getAttribute('data-reward'));

        const [card] = await cardsOf(page, pane);
        assert.ok(card);
        await like(page, pane, card);
        assert.match(
          (await page.locator(`${pane} .status`).textContent()) ?? '',
          /Its picture \(.+\) now: shown 1 time · reward 0\.80/,
          'the status shows the credited figures',
        );
        await page.locator('#loop[data-state="ready"]').waitFor({ timeout: WAIT_MS });
        const rewardAfter = Number(await angleRow.getAttribute('data-reward'));
        assert.ok(
          rewardAfter >= rewardBefore + 0.8 - 1e-9,
          `the ${angle} pictures' reward went from ${rewardBefore} to ${rewardAfter}`,
        );

        const arms = page.locator('#loop .experiment[data-name="copy-bandit"] .arm');
        assert.deepEqual(
          await arms.evaluateAll((rows) =>
            rows.map((r) => (r as unknown as { dataset: { arm: string } }).dataset.arm),
          ),
          ['bandit', 'plain'],
        );
        // The experiments' tally reads the impressions from the log on its own; the page shows
        // what it has counted at each refresh, so refresh until the shown lists are in.
        const exposed = async () =>
          arms.evaluateAll((rows) =>
            rows.reduce(
              (sum, r) =>
                sum +
                Number((r as unknown as { dataset: { exposures: string } }).dataset.exposures),
              0,
            ),
          );
        await waitFor(
          async () => {
            if ((await exposed()) >= FEED_SIZE) return true;
            await page.locator('#refresh-all').click();
            await page.locator('#loop[data-state="ready"]').waitFor({ timeout: WAIT_MS });
            return false;
          },
          { timeoutMs: WAIT_MS, description: 'the arms to count the lists shown' },
        );
        await page.locator('#loop').screenshot({ path: join(ARTIFACTS_DIR, 'feed-loop.png') });
        assert.deepEqual(pageErrors, []);
      },
    );
  });

  describe('when two users are shown side by side', () => {
    it('shows both feeds with their own items', { skip }, async () => {
      await page.goto(`${base}/feed/?user=demo-chloe&compare=demo-dev`);
      const left = '#panes .pane:nth-child(1)';
      const right = '#panes .pane:nth-child(2)';
      await waitForFeed(page, left);
      await waitForFeed(page, right);
      const leftIds = (await cardsOf(page, left)).map((c) => c.itemId);
      const rightIds = (await cardsOf(page, right)).map((c) => c.itemId);
      assert.notDeepEqual(leftIds, rightIds);
      assert.equal(await page.locator('#compare').isChecked(), true);
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'feed-side-by-side.png'), fullPage: true });
      assert.deepEqual(pageErrors, []);
    });
  });

  describe('when a user presses Forget me', () => {
    it('empties the profile panel', { skip }, async () => {
      const pane = '#panes .pane:nth-child(1)';
      await page.goto(`${base}/feed/?user=demo-bob`);
      await waitForFeed(page, pane);
      assert.notEqual(await page.locator(`${pane} .event-count`).textContent(), '0');
      const before = await recommendationIdOf(page, pane);
      await page
        .getByRole('button', { name: 'Forget demo-bob: erase profile and history' })
        .click();
      await waitForNewList(page, pane, before);
      assert.equal(await page.locator(`${pane} .event-count`).textContent(), '0');
      assert.equal(
        await page.locator(`${pane} .interests[data-kind="category"] [data-name]`).count(),
        0,
      );
      assert.deepEqual(pageErrors, []);
    });
  });

  describe('when the page opens without a user', () => {
    it("shows the first demo user's feed", { skip }, async () => {
      const pane = '#panes .pane:nth-child(1)';
      await page.goto(`${base}/feed/`);
      await waitForFeed(page, pane);
      assert.equal(await page.locator(pane).getAttribute('data-user-id'), DEMO_USERS[0]?.id);
      assert.equal((await cardsOf(page, pane)).length, FEED_SIZE);
      assert.deepEqual(pageErrors, []);
    });
  });

  describe('when it lists the demo users', () => {
    it('offers exactly the users the mesh seeds', { skip }, async () => {
      await page.goto(`${base}/feed/`);
      const offered = await page
        .locator('#panes .pane:nth-child(1) .demo-user')
        .evaluateAll((buttons) =>
          buttons.map((b) => (b as unknown as { dataset: { userId: string } }).dataset.userId),
        );
      assert.deepEqual(
        offered,
        DEMO_USERS.map((u) => u.id),
      );
    });
  });
});
