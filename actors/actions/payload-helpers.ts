/** Small builders shared by the per-version `toOcpp` mappings. */

/** Drops undefined fields: OCPP schemas reject explicit nulls and unknown keys alike. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A 2.x EVSEType, or undefined when no EVSE is addressed. */
export function evseRef(evseId?: number, connectorId?: number): Record<string, unknown> | undefined {
  return evseId === undefined ? undefined : defined({ id: evseId, connectorId });
}
