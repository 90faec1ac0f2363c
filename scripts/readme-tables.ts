/**
 * `npm run readme-tables`: rewrites the generated tables of README.md (the presets of each product)
 * from the code; test/qwen-chat/presets.test.ts and test/qwen-api/presets.test.ts fail when README.md
 * differs from what this writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { README_TABLES, replaceReadmeTables } from '../test/support/readme-tables';

const file = path.join(__dirname, '..', 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = replaceReadmeTables(before);
if (after !== before) {
  fs.writeFileSync(file, after);
}
console.log(`README.md: ${README_TABLES.map((t) => t.marker).join(', ')} ${after === before ? 'already up to date' : 'rewritten'}`);
