/**
 * The demo users the embedded mesh seeds (services/mesh/src/demo-users.ts); the browser test
 * checks the two lists agree. Any other id works too: it starts with an empty profile.
 */
export const DEMO_USERS: readonly { id: string; persona: string }[] = [
  { id: 'demo-alice', persona: 'outdoors and sports' },
  { id: 'demo-bob', persona: 'cooking and groceries' },
  { id: 'demo-chloe', persona: 'books and music' },
  { id: 'demo-dev', persona: 'gadgets and games' },
];
