#!/usr/bin/env node
// `npm run schemas`: writes the JSON Schema of every public JSON contract to docs/schemas/.
import fs from 'node:fs';
import { jsonSchemaOf, PUBLISHED_SCHEMAS } from '../dist/contracts/json-schemas.js';

const dir = new URL('../docs/schemas/', import.meta.url);
fs.mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
  fs.writeFileSync(new URL(`${name}.schema.json`, dir), jsonSchemaOf(name, schema));
  console.log(`docs/schemas/${name}.schema.json`);
}
