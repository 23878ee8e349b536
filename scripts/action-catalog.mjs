// Prints docs/actions.md from the compiled routing tables: run `npm run build` first, then
//   node scripts/action-catalog.mjs > docs/actions.md
import { actionCatalogMarkdown } from '../dist/actors/actions/action-catalog.js';

process.stdout.write(actionCatalogMarkdown());
