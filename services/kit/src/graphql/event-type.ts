import { registerEnumType } from 'type-graphql';

import type { EventType } from '../contract/user-event.js';

/**
 * The contract's event types as a GraphQL enum. Defined once here so every subgraph that shows
 * an event type (events, profiles) composes to the same enum.
 */
export enum EventTypeValue {
  VIEW = 'view',
  CLICK = 'click',
  ADD_TO_CART = 'add_to_cart',
  PURCHASE = 'purchase',
  LIKE = 'like',
  DISLIKE = 'dislike',
  RATING = 'rating',
  SHARE = 'share',
  DWELL = 'dwell',
  IMPRESSION = 'impression',
  SKIP = 'skip',
}

// A compile-time check that the enum and the contract list the same values.
const _sameValues: Record<EventType, true> = Object.fromEntries(
  Object.values(EventTypeValue).map((v) => [v, true]),
) as Record<`${EventTypeValue}`, true>;
void _sameValues;

registerEnumType(EventTypeValue, {
  name: 'EventType',
  description: 'What a user did, as in the user-events topic contract.',
  valuesConfig: {
    VIEW: { description: 'Opened or looked at the item.' },
    CLICK: { description: 'Clicked the item in a list.' },
    ADD_TO_CART: { description: 'Put the item in the cart.' },
    PURCHASE: { description: 'Bought the item.' },
    LIKE: { description: 'Said they like the item.' },
    DISLIKE: { description: 'Said they do not like the item; moves the profile away from it.' },
    RATING: { description: 'Rated the item; `value` holds 0 to 5, below 3 counts against it.' },
    SHARE: { description: 'Shared the item.' },
    DWELL: { description: 'Stayed on the item; `value` holds seconds.' },
    IMPRESSION: { description: 'Was shown the item; does not move the profile.' },
    SKIP: { description: 'Passed over the item; a weak negative signal.' },
  },
});
