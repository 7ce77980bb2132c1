// The feed page: one pane, or two side by side, each a real client of the gateway's graph.
import { createClient } from './client.js';
import { DEMO_USERS } from './demo-users.js';
import { LoopPanel } from './loop-panel.js';
import { FeedPane } from './pane.js';
import { part } from './view.js';

/** Address-bar parameters, so a view can be shared or reloaded: `?user=…&compare=…`. */
const USER_PARAM = 'user';
const COMPARE_PARAM = 'compare';

function start(): void {
  const token = part<HTMLInputElement>(document, '#token');
  const execute = createClient({
    // Relative to the page, so a gateway mounted under a path prefix works too.
    endpoint: new URL('../graphql', document.baseURI),
    token: () => token.value,
  });
  const panesElement = part(document, '#panes');
  const compare = part<HTMLInputElement>(document, '#compare');
  const panes: FeedPane[] = [];
  const loop = new LoopPanel(execute);

  part(document, '#demo-users').replaceChildren(
    ...DEMO_USERS.map((user) => {
      const option = document.createElement('option');
      option.value = user.id;
      option.label = user.persona;
      return option;
    }),
  );

  const syncAddress = () => {
    const params = new URLSearchParams();
    const [first, second] = panes.map((pane) => pane.currentUser);
    if (first !== undefined) params.set(USER_PARAM, first);
    if (second !== undefined) params.set(COMPARE_PARAM, second);
    const query = params.toString();
    history.replaceState(null, '', query === '' ? location.pathname : `?${query}`);
  };

  const addPane = (): FeedPane => {
    const pane = new FeedPane({
      execute,
      id: `pane-${panes.length + 1}`,
      onUserChange: syncAddress,
      onRefreshed: () => void loop.refresh(),
    });
    panes.push(pane);
    panesElement.append(pane.element);
    panesElement.dataset.panes = String(panes.length);
    return pane;
  };

  const setCompare = (on: boolean, userId?: string) => {
    compare.checked = on;
    if (on && panes.length === 1) {
      const taken = panes[0]?.currentUser;
      const other = userId ?? DEMO_USERS.find((user) => user.id !== taken)?.id;
      const pane = addPane();
      if (other !== undefined) void pane.show(other);
    } else if (!on && panes.length === 2) {
      panes.pop()?.element.remove();
      panesElement.dataset.panes = String(panes.length);
      syncAddress();
    }
  };

  const first = addPane();
  const params = new URLSearchParams(location.search);
  const user = params.get(USER_PARAM);
  // A bare address opens on the first demo user, so the page shows a feed at once.
  const opening = user !== null && user.trim() !== '' ? user.trim() : DEMO_USERS[0]?.id;
  if (opening !== undefined) void first.show(opening);
  const compared = params.get(COMPARE_PARAM);
  if (compared !== null && compared.trim() !== '') setCompare(true, compared.trim());

  compare.addEventListener('change', () => setCompare(compare.checked));
  // Both lists are served at the same moment, so the difference between users is all there is.
  part(document, '#refresh-all').addEventListener(
    'click',
    () => void Promise.all(panes.map((pane) => pane.refresh())),
  );
  part<HTMLFormElement>(document, '#settings').addEventListener('submit', (event) =>
    event.preventDefault(),
  );
}

start();
