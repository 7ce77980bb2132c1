import { describeSchemaFile } from '@tailor/kit/testing';

import { PROFILES_SCHEMA_CLASSES } from './graphql/schema.js';
import { PROFILES_SCHEMA_FILE } from './schema-file.js';

describeSchemaFile('profiles', PROFILES_SCHEMA_FILE, PROFILES_SCHEMA_CLASSES);
