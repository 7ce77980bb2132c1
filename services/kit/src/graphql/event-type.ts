import { registerEnumType } from 'type-graphql';

import { EVENT_TYPES, type EventType } from '../contract/user-event.js';

/**
 * The contract's event types as a GraphQL enum (`VIEW` for `view`, …). Built from the contract's
 * list, so the two cannot drift; defined once here so every subgraph that shows an event type
 * (events, profiles) composes to the same enum.
 */
export const EventTypeValue = Object.fromEntries(
  EVENT_TYPES.map((type) => [type.toUpperCase(), type]),
) as { readonly [T in EventType as Uppercase<T>]: T };

/** A value of the GraphQL `EventType` enum: the contract's own string. */
export type EventTypeValue = EventType;

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
