import { describeSchemaFile } from '@tailor/kit/testing';

import { CATALOG_SCHEMA_CLASSES } from './graphql/schema.js';
import { CATALOG_SCHEMA_FILE } from './schema-file.js';

describeSchemaFile('catalog', CATALOG_SCHEMA_FILE, CATALOG_SCHEMA_CLASSES);
