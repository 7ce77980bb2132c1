import { after } from 'node:test';

import { stopBroker } from './broker.js';
import { describeMeshOnKafka } from './mesh.suite.js';
import { describeProfilesKilled } from './sigkill.suite.js';
import { describeStoreFailing } from './store-failing.suite.js';

// One file, so the suites run one after another: `user-events` and the profiles group are fixed
// names, and two profiles consumers of one group at once would split the partitions between
// them, each applying the other's events to its own store. The SIGKILL suite goes last: the
// killed member stays in the group until its session times out.
describeMeshOnKafka();
describeStoreFailing();
describeProfilesKilled();

after(stopBroker);
