import { describeSchemaFile } from '@tailor/kit/testing';

import { EVENTS_SCHEMA_CLASSES } from './graphql/schema.js';
import { EVENTS_SCHEMA_FILE } from './schema-file.js';

describeSchemaFile('events', EVENTS_SCHEMA_FILE, EVENTS_SCHEMA_CLASSES);
