import { describeSchemaFile } from '@tailor/kit/testing';

import { RECOMMENDER_SCHEMA_CLASSES } from './graphql/schema.js';
import { RECOMMENDER_SCHEMA_FILE } from './schema-file.js';

describeSchemaFile('recommender', RECOMMENDER_SCHEMA_FILE, RECOMMENDER_SCHEMA_CLASSES);
