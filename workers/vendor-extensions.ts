import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VendorRegistry } from '../actors/actions/shared/vendor-extensions.js';

/**
 * The handler thread's DataTransfer vendor registry: each CSMS_VENDOR_EXTENSIONS module's default
 * export is called with the registry (`export default (registry) => registry.register('com.acme',
 * { messages: { Hello: ({ data }) => ({ status: 'Accepted', data }) } })`). A module that fails
 * to load or register stops the start: a half-configured registry would answer UnknownVendorId.
 */
export async function loadVendorExtensions(paths: readonly string[]): Promise<VendorRegistry> {
  const registry = new VendorRegistry();
  for (const path of paths) {
    const module = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
    if (typeof module.default !== 'function') throw new Error(`CSMS_VENDOR_EXTENSIONS: ${path} has no default export function (registry) => void`);
    await (module.default as (registry: VendorRegistry) => unknown)(registry);
  }
  return registry;
}
