import 'reflect-metadata';

import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { FallbackReason, Strategy } from '../domain/strategy.js';
import { Item } from './item.type.js';

registerEnumType(Strategy, {
  name: 'RecommendationStrategy',
  description: 'How a recommendation list was made.',
  valuesConfig: {
    PERSONALIZED: {
      description:
        "From the user's own evidence (collaborative factors, content taste) blended with " +
        'popularity and freshness, diversified.',
    },
    TRENDING: {
      description:
        'Cold start: items trending now, popular ones and the newest (the user has no usable ' +
        'profile yet).',
    },
  },
});

registerEnumType(FallbackReason, {
  name: 'RecommendationFallbackReason',
  description: 'Why a list is the fallback one.',
  valuesConfig: {
    VECTOR_STORE_UNAVAILABLE: {
      description:
        'The store holding profiles and item vectors does not answer; personalization resumes ' +
        'by itself once it does.',
    },
  },
});

@ObjectType('RecommendationFallback', {
  description:
    'Says a list is not the usual one: a non-personalized list (trending, popular, newest) ' +
    'kept in memory and served while a dependency is down.',
})
export class RecommendationFallback {
  @Field(() => FallbackReason, { description: 'Why the fallback was served.' })
  reason!: FallbackReason;

  @Field(() => String, { description: 'The same, in words a page may show.' })
  message!: string;

  @Field(() => Date, {
    description: 'When the fallback list was computed (while the dependency still answered).',
  })
  computedAt!: Date;
}

@ObjectType('Recommendation', {
  description: 'One recommended item for one user, in one served list.',
})
// The surface is in the key so generation, which extends this type, learns per surface.
@Directive('@key(fields: "recommendationId userId item { id } surface")')
export class Recommendation {
  @Field(() => ID, { description: 'Id of the served list this recommendation belongs to.' })
  recommendationId!: string;

  @Field(() => ID, { description: 'The user the list was served to.' })
  userId!: string;

  @Field(() => Int, { description: 'Place in the list, 1 for the first item.' })
  position!: number;

  @Field(() => String, {
    description:
      'Where the list is shown: the context.surface it was asked for (e.g. "home"), "api" when it said none. Its impressions carry it, and generation\'s bandit learns per surface.',
  })
  surface!: string;

  @Field(() => Item, { description: 'The recommended item.' })
  item!: Item;

  @Field(() => Float, {
    description:
      "Ranking score: the weighted sum of each candidate source's normalized signal " +
      '(collaborative, content similarity, popularity, trending, freshness); comparable within ' +
      'one list only.',
  })
  score!: number;

  @Field(() => [String], {
    description: 'Why this item was picked, most personal first; at least one.',
  })
  reasons!: string[];
}

@ObjectType('RecommendationList', {
  description: 'A list of recommendations served to one user at one moment.',
})
export class RecommendationList {
  @Field(() => ID, {
    description: 'Unique per served list; impressions and later events refer to it.',
  })
  recommendationId!: string;

  @Field(() => ID, { description: 'The user the list was served to.' })
  userId!: string;

  @Field(() => Strategy, { description: 'How the list was made.' })
  strategy!: Strategy;

  @Field(() => String, {
    nullable: true,
    description:
      'Version of the collaborative model whose factors scored this list (the trainer names ' +
      'each training); null when none did: no model trained yet, or the user not folded in ' +
      'against the current one.',
  })
  modelVersion!: string | null;

  @Field(() => [Recommendation], { description: 'The picks, best first.' })
  items!: Recommendation[];

  @Field(() => Date, { description: 'When the list was made.' })
  generatedAt!: Date;

  @Field(() => RecommendationFallback, {
    nullable: true,
    description:
      'Null for the usual list. Set when the list is the fallback served while a dependency ' +
      'is down: not personalized (no seen items are filtered out, no reasons about the user), ' +
      'and the reason says why.',
  })
  fallback!: RecommendationFallback | null;
}

@ObjectType('SimilarItem', { description: 'An item close to another one in content.' })
export class SimilarItem {
  @Field(() => Item, { description: 'The similar item.' })
  item!: Item;

  @Field(() => Float, { description: 'Cosine similarity of the two items, up to 1.' })
  score!: number;

  @Field(() => String, { description: 'Why the two items are alike.' })
  reason!: string;
}

@ObjectType('TrendingItem', { description: 'An item people are interacting with now.' })
export class TrendingItem {
  @Field(() => Item, { description: 'The trending item.' })
  item!: Item;

  @Field(() => Float, {
    description:
      'Decayed count of recent interactions: views and clicks count 1, likes, shares, carts ' +
      'and high ratings 2, purchases 3, each halving every trending half-life.',
  })
  score!: number;
}
