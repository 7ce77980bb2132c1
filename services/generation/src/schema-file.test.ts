import { describeSchemaFile } from '@tailor/kit/testing';

import { GENERATION_SCHEMA_CLASSES } from './graphql/schema.js';
import { GENERATION_SCHEMA_FILE } from './schema-file.js';

describeSchemaFile('generation', GENERATION_SCHEMA_FILE, GENERATION_SCHEMA_CLASSES);
