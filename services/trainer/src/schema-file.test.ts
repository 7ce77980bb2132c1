import { describeSchemaFile } from '@tailor/kit/testing';

import { TRAINER_SCHEMA_CLASSES } from './graphql/schema.js';
import { TRAINER_SCHEMA_FILE } from './schema-file.js';

describeSchemaFile('trainer', TRAINER_SCHEMA_FILE, TRAINER_SCHEMA_CLASSES);
