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

/** §10.4.3 CdrToken: who charged. */
const cdrToken = { type: 'object', required: ['country_code', 'party_id', 'uid', 'type', 'contract_id'], additionalProperties: false, properties: { country_code: str(2, 2), party_id: str(3, 3), uid: str(36, 1), type: { enum: ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'] }, contract_id: str(36, 1) } };
const authMethod = { enum: ['AUTH_REQUEST', 'COMMAND', 'WHITELIST'] }; // §10.4.1
const price = { type: 'object', required: ['excl_vat'], additionalProperties: false, properties: { excl_vat: { type: 'number' }, incl_vat: { type: 'number' } } }; // §16.4

/** §9.3.1 Session. */
export const sessionSchema = {
  type: 'object', additionalProperties: false,
  required: ['country_code', 'party_id', 'id', 'start_date_time', 'kwh', 'cdr_token', 'auth_method', 'location_id', 'evse_uid', 'connector_id', 'currency', 'status', 'last_updated'],
  properties: {
    country_code: str(2, 2), party_id: str(3, 3), id: str(36, 1), start_date_time: dateTime, end_date_time: dateTime, kwh: { type: 'number', minimum: 0 }, cdr_token: cdrToken,
    auth_method: authMethod, authorization_reference: str(36), location_id: str(36, 1), evse_uid: str(36, 1), connector_id: str(36, 1), meter_id: str(255),
    currency: str(3, 3), charging_periods: { type: 'array' }, total_cost: price, status: { enum: ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION'] }, last_updated: dateTime,
  },
};

/** §11.4.2 PriceComponent (TariffDimensionType §11.4.3), §11.3.4 TariffRestrictions (DayOfWeek §11.4.1, ReservationRestrictionType §11.4.4), §11.3.2 TariffElement. */
const hhmm = { type: 'string', pattern: '^([0-1][0-9]|2[0-3]):[0-5][0-9]$' };
const ymd = { type: 'string', pattern: '^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' };
const priceComponent = { type: 'object', required: ['type', 'price', 'step_size'], additionalProperties: false, properties: { type: { enum: ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] }, price: { type: 'number' }, vat: { type: 'number' }, step_size: { type: 'integer', minimum: 0 } } };
const restrictions = {
  type: 'object', additionalProperties: false,
  properties: {
    start_time: hhmm, end_time: hhmm, start_date: ymd, end_date: ymd, min_kwh: { type: 'number' }, max_kwh: { type: 'number' }, min_current: { type: 'number' }, max_current: { type: 'number' },
    min_power: { type: 'number' }, max_power: { type: 'number' }, min_duration: { type: 'integer' }, max_duration: { type: 'integer' },
    day_of_week: { type: 'array', items: { enum: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] } }, reservation: { enum: ['RESERVATION', 'RESERVATION_EXPIRES'] },
  },
};
/** §11.3.1 Tariff (DisplayText §16.3, Price §16.4). */
export const tariffSchema = {
  type: 'object', required: ['country_code', 'party_id', 'id', 'currency', 'elements', 'last_updated'], additionalProperties: false,
  properties: {
    country_code: str(2, 2), party_id: str(3, 3), id: str(36, 1), currency: str(3, 3), type: { enum: ['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'] },
    tariff_alt_text: { type: 'array', items: { type: 'object', required: ['language', 'text'], additionalProperties: false, properties: { language: str(2, 2), text: str(512) } } },
    tariff_alt_url: { type: 'string' }, min_price: price, max_price: price,
    elements: { type: 'array', minItems: 1, items: { type: 'object', required: ['price_components'], additionalProperties: false, properties: { price_components: { type: 'array', minItems: 1, items: priceComponent }, restrictions } } },
    energy_mix: { type: 'object' }, start_date_time: dateTime, end_date_time: dateTime, last_updated: dateTime,
  },
};
/** §10.4.14 SignedData, §10.4.15 SignedValue. */
const signedData = {
  type: 'object', required: ['encoding_method', 'signed_values'], additionalProperties: false,
  properties: {
    encoding_method: str(36, 1), encoding_method_version: { type: 'integer' }, public_key: str(512), url: str(512),
    signed_values: { type: 'array', minItems: 1, items: { type: 'object', required: ['nature', 'plain_data', 'signed_data'], additionalProperties: false, properties: { nature: str(32, 1), plain_data: str(512), signed_data: str(5000, 1) } } },
  },
};

/** §10.3.1 CDR, §10.4.2 CdrLocation, §10.4.6 ChargingPeriod, §10.4.2 CdrDimension. */
export const cdrSchema = {
  type: 'object', additionalProperties: false,
  required: ['country_code', 'party_id', 'id', 'start_date_time', 'end_date_time', 'cdr_token', 'auth_method', 'cdr_location', 'currency', 'charging_periods', 'total_cost', 'total_energy', 'total_time', 'last_updated'],
  properties: {
    country_code: str(2, 2), party_id: str(3, 3), id: str(39, 1), start_date_time: dateTime, end_date_time: dateTime, session_id: str(36), cdr_token: cdrToken, auth_method: authMethod,
    authorization_reference: str(36),
    cdr_location: {
      type: 'object', additionalProperties: false,
      required: ['id', 'address', 'city', 'country', 'coordinates', 'evse_uid', 'evse_id', 'connector_id', 'connector_standard', 'connector_format', 'connector_power_type'],
      properties: { id: str(36, 1), name: str(255), address: str(45), city: str(45), postal_code: str(10), state: str(20), country: str(3, 3), coordinates: geo, evse_uid: str(36, 1), evse_id: str(48, 1), connector_id: str(36, 1), connector_standard: { type: 'string' }, connector_format: { enum: ['SOCKET', 'CABLE'] }, connector_power_type: { type: 'string' } },
    },
    meter_id: str(255), currency: str(3, 3), tariffs: { type: 'array', items: tariffSchema },
    charging_periods: { type: 'array', minItems: 1, items: { type: 'object', required: ['start_date_time', 'dimensions'], additionalProperties: false, properties: { start_date_time: dateTime, dimensions: { type: 'array', minItems: 1, items: { type: 'object', required: ['type', 'volume'], additionalProperties: false, properties: { type: { enum: ['CURRENT', 'ENERGY', 'ENERGY_EXPORT', 'ENERGY_IMPORT', 'MAX_CURRENT', 'MIN_CURRENT', 'MAX_POWER', 'MIN_POWER', 'PARKING_TIME', 'POWER', 'RESERVATION_TIME', 'STATE_OF_CHARGE', 'TIME'] }, volume: { type: 'number' } } } }, tariff_id: str(36) } } },
    signed_data: signedData, total_cost: price, total_fixed_cost: price, total_energy: { type: 'number' }, total_energy_cost: price, total_time: { type: 'number' }, total_time_cost: price,
    total_parking_time: { type: 'number' }, total_parking_cost: price, total_reservation_cost: price, remark: str(255), invoice_reference_id: str(39), credit: { type: 'boolean' }, credit_reference_id: str(39),
    home_charging_compensation: { type: 'boolean' }, last_updated: dateTime,
  },
};

/** §4.1.7 Response format. */
export const envelopeSchema = {
  type: 'object', required: ['status_code', 'timestamp'], additionalProperties: false,
  properties: { data: {}, status_code: { type: 'integer', minimum: 1000, maximum: 4999 }, status_message: { type: 'string' }, timestamp: dateTime },
};

// ── chargingprofiles (§14) and hubclientinfo (§15) ──────────────────────────────────────────────
/** §14.4 ChargingProfileResponseType. */
const chargingProfileResponseType = { enum: ['ACCEPTED', 'NOT_SUPPORTED', 'REJECTED', 'TOO_OFTEN', 'UNKNOWN_SESSION'] };
/** §14.4 ChargingProfileResultType. */
const chargingProfileResultType = { enum: ['ACCEPTED', 'REJECTED', 'UNKNOWN'] };
/** §14.4 ChargingProfilePeriod. */
const chargingProfilePeriod = { type: 'object', required: ['start_period', 'limit'], additionalProperties: false, properties: { start_period: { type: 'integer', minimum: 0 }, limit: { type: 'number' } } };
/** §14.4 ChargingProfile (charging_rate_unit: §14.4 ChargingRateUnit, W or A). */
export const chargingProfileSchema = {
  type: 'object', required: ['charging_rate_unit'], additionalProperties: false,
  properties: {
    start_date_time: dateTime, duration: { type: 'integer' }, charging_rate_unit: { enum: ['W', 'A'] }, min_charging_rate: { type: 'number' },
    charging_profile_period: { type: 'array', items: chargingProfilePeriod },
  },
};
/** §14.4 ActiveChargingProfile: also the body of the Sender interface's PUT (§14.2.2.2). */
export const activeChargingProfileSchema = {
  type: 'object', required: ['start_date_time', 'charging_profile'], additionalProperties: false, properties: { start_date_time: dateTime, charging_profile: chargingProfileSchema },
};
/** §14.3 ActiveChargingProfileResult, with §14.4 ActiveChargingProfile (start_date_time, charging_profile). */
export const activeChargingProfileResultSchema = {
  type: 'object', required: ['result'], additionalProperties: false,
  properties: { result: chargingProfileResultType, profile: activeChargingProfileSchema },
};
/** §14.3 ChargingProfileResponse: the receiver's immediate answer. */
export const chargingProfileResponseSchema = { type: 'object', required: ['result', 'timeout'], additionalProperties: false, properties: { result: chargingProfileResponseType, timeout: { type: 'integer' } } };
/** §14.3 ChargingProfileResult (PUT) and ClearProfileResult (DELETE): the same one field. */
export const chargingProfileResultSchema = { type: 'object', required: ['result'], additionalProperties: false, properties: { result: chargingProfileResultType } };
/** §15.3 ClientInfo (role: the types chapter's Role, status: §15.4 ConnectionStatus). */
export const clientInfoSchema = {
  type: 'object', required: ['party_id', 'country_code', 'role', 'status', 'last_updated'], additionalProperties: false,
  properties: {
    party_id: str(3, 3), country_code: str(2, 2), role: { enum: ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] },
    status: { enum: ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'] }, last_updated: dateTime,
  },
};

type Kind = 'credentials' | 'location' | 'evse' | 'evsePatch' | 'envelope' | 'session' | 'cdr' | 'tariff'
  | 'activeChargingProfile' | 'activeChargingProfileResult' | 'chargingProfileResponse' | 'chargingProfileResult' | 'clearProfileResult' | 'clientInfo';
const ajv = new Ajv({ allErrors: true, strict: false });
export const validators: Record<Kind, ValidateFunction> = {
  tariff: ajv.compile(tariffSchema),
  activeChargingProfile: ajv.compile(activeChargingProfileSchema),
  activeChargingProfileResult: ajv.compile(activeChargingProfileResultSchema),
  chargingProfileResponse: ajv.compile(chargingProfileResponseSchema),
  chargingProfileResult: ajv.compile(chargingProfileResultSchema),
  clearProfileResult: ajv.compile(chargingProfileResultSchema),
  clientInfo: ajv.compile(clientInfoSchema),
  session: ajv.compile(sessionSchema),
  cdr: ajv.compile(cdrSchema),
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
