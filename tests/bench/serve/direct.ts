/**
 * The Home data fetched straight from the subgraphs, in the order the gateway's query plan
 * fetches it: `user` from profiles, then the user's recommendations from the recommender (an
 * `_entities` call on the User key), then, side by side, the items from the catalog and the
 * generated copy from generation. The difference to the gateway is the gateway's own work.
 */

/** Subgraph URLs a direct client talks to. */
export interface DirectTargets {
  profiles: string;
  recommender: string;
  catalog: string;
  generation: string;
}

const PROFILE = `query ($id: ID!) {
  user(id: $id) { id profile { topCategories { name weight } eventCount } }
}`;

const RECOMMENDATIONS = `query ($representations: [_Any!]!, $first: Int) {
  _entities(representations: $representations) {
    ... on User {
      recommendations(first: $first) {
        recommendationId strategy
        items { recommendationId userId item { id } surface score reasons }
      }
    }
  }
}`;

const ITEMS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Item { id title category price { amount currency } }
  }
}`;

const GENERATED = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Recommendation {
      description { text provider model promptVersion grounded }
      ad(format: BANNER) { headline body callToAction }
      thumbnail(width: 640, height: 360) { url altText width height }
    }
  }
}`;

interface Pick {
  recommendationId: string;
  userId: string;
  item: { id: string };
  surface: string;
}

async function post<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || body.errors !== undefined || body.data === undefined) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/** Fetches one Home's worth of data; returns how many recommendations it got. */
export async function fetchHomeDirect(
  targets: DirectTargets,
  userId: string,
  first: number,
  withGeneration: boolean,
): Promise<number> {
  await post(targets.profiles, PROFILE, { id: userId });
  const recommended = await post<{
    _entities: { recommendations: { items: Pick[] } }[];
  }>(targets.recommender, RECOMMENDATIONS, {
    representations: [{ __typename: 'User', id: userId }],
    first,
  });
  const picks = recommended._entities[0]?.recommendations.items ?? [];
  const items = post(targets.catalog, ITEMS, {
    representations: picks.map((pick) => ({ __typename: 'Item', id: pick.item.id })),
  });
  const generated = withGeneration
    ? post(targets.generation, GENERATED, {
        representations: picks.map((pick) => ({
          __typename: 'Recommendation',
          recommendationId: pick.recommendationId,
          userId: pick.userId,
          item: { id: pick.item.id },
          surface: pick.surface,
        })),
      })
    : Promise.resolve();
  await Promise.all([items, generated]);
  return picks.length;
}
