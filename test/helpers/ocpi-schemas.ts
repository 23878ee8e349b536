import { Ajv, type ValidateFunction } from 'ajv';

/**
 * JSON schemas of the OCPI 2.2.1 objects the eMSP simulator receives, written for the tests from
 * the specification's object tables (OCPI 2.2.1, independent of ocpi/'s own types): every
 * required field, its type and length, enums of the types section. Unknown fields are refused
 * (`additionalProperties: false`), so a field we invent or misspell fails the test.
 */
const str = (max: number, min = 0) => ({ type: 'string', minLength: min, maxLength: max });
const dateTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }; // §16.2 DateTime (UTC)
const businessDetails = { type: 'object', required: ['name'], additionalProperties: false, properties: { name: str(100), website: str(255), logo: { type: 'object' } } }; // §8.4.2
const geo = { type: 'object', required: ['latitude', 'longitude'], additionalProperties: false, properties: { latitude: { type: 'string', pattern: '^-?[0-9]{1,2}\\.[0-9]{5,7}$' }, longitude: { type: 'string', pattern: '^-?[0-9]{1,3}\\.[0-9]{5,7}$' } } }; // §8.4.13
const evseStatus = { enum: ['AVAILABLE', 'BLOCKED', 'CHARGING', 'INOPERATIVE', 'OUTOFORDER', 'PLANNED', 'REMOVED', 'RESERVED', 'UNKNOWN'] }; // §8.4.22

/** §7.3.1 Credentials, §7.4.1 CredentialsRole. */
export const credentialsSchema = {
  type: 'object', required: ['token', 'url', 'roles'], additionalProperties: false,
  properties: {
    token: str(64, 1), url: str(255, 1),
    roles: { type: 'array', minItems: 1, items: { type: 'object', required: ['role', 'business_details', 'party_id', 'country_code'], additionalProperties: false, properties: { role: { enum: ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] }, business_details: businessDetails, party_id: str(3, 3), country_code: str(2, 2) } } },
  },
};

/** §8.3.3 Connector. */
const connector = {
  type: 'object', required: ['id', 'standard', 'format', 'power_type', 'max_voltage', 'max_amperage', 'last_updated'], additionalProperties: false,
  properties: {
    id: str(36, 1), standard: { type: 'string' }, format: { enum: ['SOCKET', 'CABLE'] }, power_type: { enum: ['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'] },
    max_voltage: { type: 'integer' }, max_amperage: { type: 'integer' }, max_electric_power: { type: 'integer' }, tariff_ids: { type: 'array', items: str(36) },
    terms_and_conditions: { type: 'string' }, last_updated: dateTime,
  },
};

/** §8.3.2 EVSE. */
export const evseSchema = {
  type: 'object', required: ['uid', 'status', 'connectors', 'last_updated'], additionalProperties: false,
  properties: {
    uid: str(36, 1), evse_id: str(48), status: evseStatus, status_schedule: { type: 'array' }, capabilities: { type: 'array', items: { type: 'string' } },
    connectors: { type: 'array', minItems: 1, items: connector }, floor_level: str(4), coordinates: geo, physical_reference: str(16),
    directions: { type: 'array' }, parking_restrictions: { type: 'array' }, images: { type: 'array' }, last_updated: dateTime,
  },
};

/** §8.3.1 Location. */
export const locationSchema = {
  type: 'object', required: ['country_code', 'party_id', 'id', 'publish', 'address', 'city', 'country', 'coordinates', 'time_zone', 'last_updated'], additionalProperties: false,
  properties: {
    country_code: str(2, 2), party_id: str(3, 3), id: str(36, 1), publish: { type: 'boolean' }, publish_allowed_to: { type: 'array' }, name: str(255), address: str(45),
    city: str(45), postal_code: str(10), state: str(20), country: str(3, 3), coordinates: geo, related_locations: { type: 'array' },
    parking_type: { enum: ['ALONG_MOTORWAY', 'PARKING_GARAGE', 'PARKING_LOT', 'ON_DRIVEWAY', 'ON_STREET', 'UNDERGROUND_GARAGE'] }, evses: { type: 'array', items: evseSchema },
    directions: { type: 'array' }, operator: businessDetails, suboperator: businessDetails, owner: businessDetails, facilities: { type: 'array', items: { type: 'string' } },
    time_zone: str(255, 1), opening_times: { type: 'object', required: ['twentyfourseven'] }, charging_when_closed: { type: 'boolean' }, images: { type: 'array' },
    energy_mix: { type: 'object' }, last_updated: dateTime,
  },
};

/** §8.2.2.3 PATCH of an EVSE: any of its fields, last_updated required (§4.1.4.3). */
export const evsePatchSchema = { type: 'object', required: ['last_updated'], additionalProperties: false, properties: { status: evseStatus, last_updated: dateTime } };

/** §4.1.7 Response format. */
export const envelopeSchema = {
  type: 'object', required: ['status_code', 'timestamp'], additionalProperties: false,
  properties: { data: {}, status_code: { type: 'integer', minimum: 1000, maximum: 4999 }, status_message: { type: 'string' }, timestamp: dateTime },
};

const ajv = new Ajv({ allErrors: true, strict: false });
export const validators: Record<'credentials' | 'location' | 'evse' | 'evsePatch' | 'envelope', ValidateFunction> = {
  credentials: ajv.compile(credentialsSchema),
  location: ajv.compile(locationSchema),
  evse: ajv.compile(evseSchema),
  evsePatch: ajv.compile(evsePatchSchema),
  envelope: ajv.compile(envelopeSchema),
};

/** The validator's errors as text, or undefined when the value is valid. */
export function problems(kind: keyof typeof validators, value: unknown): string | undefined {
  const validate = validators[kind];
  return validate(value) ? undefined : ajv.errorsText(validate.errors);
}
