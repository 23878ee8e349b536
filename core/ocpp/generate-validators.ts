/**
 * Build step (after tsc): writes one precompiled validator module per OCPP version,
 * dist/core/ocpp/validators/<ocpp1_6|ocpp2_0_1|ocpp2_1>.js, which core/schemas.ts loads instead of
 * compiling the schemas in every thread. Usage: node dist/core/ocpp/generate-validators.js [outDir]
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_VERSIONS } from '../protocols.js';
import { validatorModuleName } from '../schemas.js';
import { generateValidatorModule } from './validator-codegen.js';

export function writeValidatorModules(outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  return SUPPORTED_VERSIONS.map((version) => {
    const file = join(outDir, `${validatorModuleName(version)}.js`);
    // Write then rename, so a thread starting meanwhile never loads half a module.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, generateValidatorModule(version));
    renameSync(tmp, file);
    return file;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const outDir = resolve(process.argv[2] ?? fileURLToPath(new URL('./validators/', import.meta.url)));
  const files = writeValidatorModules(outDir);
  console.log(`generated ${files.length} OCPP validator modules in ${outDir} (${Math.round(performance.now() - started)} ms)`);
}
