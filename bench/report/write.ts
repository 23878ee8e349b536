/** Writes a run's JSON and HTML files (and latest.* copies) under the results dir. */
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenarios/scenario.js';
import { htmlReport } from './html.js';
import type { BenchResult } from './summary.js';

export interface Written {
  json: string;
  html: string;
}

export function writeResult(dir: string, stem: string, result: BenchResult, scenarios: Scenario[], html = true): Written {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${stem}.json`);
  const htmlPath = join(dir, `${stem}.html`);
  writeFileSync(json, JSON.stringify(result, null, 1));
  copyFileSync(json, join(dir, 'latest.json'));
  if (html) {
    writeFileSync(htmlPath, htmlReport(result, scenarios));
    copyFileSync(htmlPath, join(dir, 'latest.html'));
  }
  return { json, html: htmlPath };
}
