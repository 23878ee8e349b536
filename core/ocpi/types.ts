/**
 * OCPI 2.2.1 objects Switchyard sends or receives, written from the object tables of the
 * specification (OCPI 2.2.1, October 2021 edition); each type names its section. No maintained
 * OCPI 2.2.1 types package is in our package lists, so these are ours. `?` = cardinality ? or *.
 */

export const OCPI_VERSION = '2.2.1';

/** §16.5 Role (ours is always CPO). */
export type OcpiRole = 'CPO' | 'EMSP' | 'HUB' | 'NAP' | 'NSP' | 'OTHER' | 'SCSP';

/** §6.1.2 Version. */
export interface OcpiVersion {
  version: string;
  url: string;
}

/** §6.2.2 Endpoint (InterfaceRole §6.2.3, ModuleID §6.2.4). */
export interface OcpiEndpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER';
  url: string;
}

/** §6.2.1 Version details. */
export interface OcpiVersionDetails {
  version: string;
  endpoints: OcpiEndpoint[];
}

/** §8.4.2 BusinessDetails (logo, §8.4.15 Image, left out). */
export interface OcpiBusinessDetails {
  name: string;
  website?: string;
}

/** §7.4.1 CredentialsRole. */
export interface OcpiCredentialsRole {
  role: OcpiRole;
  business_details: OcpiBusinessDetails;
  party_id: string;
  country_code: string;
}

/** §7.3.1 Credentials object. */
export interface OcpiCredentials {
  token: string;
  url: string;
  roles: OcpiCredentialsRole[];
}

/** §8.4.22 Status (of an EVSE). */
export type OcpiEvseStatus = 'AVAILABLE' | 'BLOCKED' | 'CHARGING' | 'INOPERATIVE' | 'OUTOFORDER' | 'PLANNED' | 'REMOVED' | 'RESERVED' | 'UNKNOWN';
export const EVSE_STATUSES: readonly OcpiEvseStatus[] = ['AVAILABLE', 'BLOCKED', 'CHARGING', 'INOPERATIVE', 'OUTOFORDER', 'PLANNED', 'REMOVED', 'RESERVED', 'UNKNOWN'];

/** §8.4.3 Capability. */
export const CAPABILITIES = [
  'CHARGING_PROFILE_CAPABLE', 'CHARGING_PREFERENCES_CAPABLE', 'CHIP_CARD_SUPPORT', 'CONTACTLESS_CARD_SUPPORT', 'CREDIT_CARD_PAYABLE',
  'DEBIT_CARD_PAYABLE', 'PED_TERMINAL', 'REMOTE_START_STOP_CAPABLE', 'RESERVABLE', 'RFID_READER', 'START_SESSION_CONNECTOR_REQUIRED',
  'TOKEN_GROUP_CAPABLE', 'UNLOCK_CAPABLE',
] as const;

/** §8.4.7 ConnectorType. */
export const CONNECTOR_TYPES = [
  'CHADEMO', 'CHAOJI', 'DOMESTIC_A', 'DOMESTIC_B', 'DOMESTIC_C', 'DOMESTIC_D', 'DOMESTIC_E', 'DOMESTIC_F', 'DOMESTIC_G', 'DOMESTIC_H',
  'DOMESTIC_I', 'DOMESTIC_J', 'DOMESTIC_K', 'DOMESTIC_L', 'DOMESTIC_M', 'DOMESTIC_N', 'DOMESTIC_O', 'GBT_AC', 'GBT_DC', 'IEC_60309_2_single_16',
  'IEC_60309_2_three_16', 'IEC_60309_2_three_32', 'IEC_60309_2_three_64', 'IEC_62196_T1', 'IEC_62196_T1_COMBO', 'IEC_62196_T2',
  'IEC_62196_T2_COMBO', 'IEC_62196_T3A', 'IEC_62196_T3C', 'NEMA_5_20', 'NEMA_6_30', 'NEMA_6_50', 'NEMA_10_30', 'NEMA_10_50', 'NEMA_14_30',
  'NEMA_14_50', 'PANTOGRAPH_BOTTOM_UP', 'PANTOGRAPH_TOP_DOWN', 'TESLA_R', 'TESLA_S',
] as const;

/** §8.4.4 ConnectorFormat, §8.4.21 PowerType. */
export const CONNECTOR_FORMATS = ['SOCKET', 'CABLE'] as const;
export const POWER_TYPES = ['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'] as const;

/** §8.4.12 Facility. */
export const FACILITIES = [
  'HOTEL', 'RESTAURANT', 'CAFE', 'MALL', 'SUPERMARKET', 'SPORT', 'RECREATION_AREA', 'NATURE', 'MUSEUM', 'BIKE_SHARING', 'BUS_STOP',
  'TAXI_STAND', 'TRAM_STOP', 'METRO_STATION', 'TRAIN_STATION', 'AIRPORT', 'PARKING_LOT', 'CARPOOL_PARKING', 'FUEL_STATION', 'WIFI',
] as const;

/** §8.4.17 ParkingType. */
export const PARKING_TYPES = ['ALONG_MOTORWAY', 'PARKING_GARAGE', 'PARKING_LOT', 'ON_DRIVEWAY', 'ON_STREET', 'UNDERGROUND_GARAGE'] as const;

/** §8.4.13 GeoLocation: decimal degrees as strings (latitude `-?[0-9]{1,2}\.[0-9]{5,7}`, longitude `-?[0-9]{1,3}\.[0-9]{5,7}`). */
export interface OcpiGeoLocation {
  latitude: string;
  longitude: string;
}

/** §8.4.21 RegularHours (weekday 1 = Monday … 7; times HH:MM), §8.4.11 ExceptionalPeriod, §8.4.14 Hours. */
export interface OcpiHours {
  twentyfourseven: boolean;
  regular_hours?: Array<{ weekday: number; period_begin: string; period_end: string }>;
  exceptional_openings?: Array<{ period_begin: string; period_end: string }>;
  exceptional_closings?: Array<{ period_begin: string; period_end: string }>;
}

/** §8.3.3 Connector. */
export interface OcpiConnector {
  id: string;
  standard: (typeof CONNECTOR_TYPES)[number];
  format: (typeof CONNECTOR_FORMATS)[number];
  power_type: (typeof POWER_TYPES)[number];
  max_voltage: number;
  max_amperage: number;
  max_electric_power?: number;
  tariff_ids?: string[];
  terms_and_conditions?: string;
  last_updated: string;
}

/** §8.3.2 EVSE (status_schedule, directions, parking_restrictions, images left out). */
export interface OcpiEvse {
  uid: string;
  evse_id?: string;
  status: OcpiEvseStatus;
  capabilities?: Array<(typeof CAPABILITIES)[number]>;
  connectors: OcpiConnector[];
  floor_level?: string;
  coordinates?: OcpiGeoLocation;
  physical_reference?: string;
  last_updated: string;
}

/** §8.3.1 Location (related_locations, directions, images, energy_mix left out). */
export interface OcpiLocation {
  country_code: string;
  party_id: string;
  id: string;
  publish: boolean;
  name?: string;
  address: string;
  city: string;
  postal_code?: string;
  state?: string;
  country: string;
  coordinates: OcpiGeoLocation;
  parking_type?: (typeof PARKING_TYPES)[number];
  evses?: OcpiEvse[];
  operator?: OcpiBusinessDetails;
  suboperator?: OcpiBusinessDetails;
  owner?: OcpiBusinessDetails;
  facilities?: Array<(typeof FACILITIES)[number]>;
  time_zone: string;
  opening_times?: OcpiHours;
  charging_when_closed?: boolean;
  last_updated: string;
}

/** §7 / §4.1.2: what a partner's response carries (§4.1.7 Response format). */
export interface OcpiResponse<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

/** §12.4.4 TokenType, §12.4.5 WhitelistType. */
export const TOKEN_TYPES = ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'] as const;
export const WHITELIST_TYPES = ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'] as const;

/** §12.3.2 Token (energy_contract left out). */
export interface OcpiToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: (typeof TOKEN_TYPES)[number];
  contract_id: string;
  visual_number?: string;
  issuer: string;
  group_id?: string;
  valid: boolean;
  whitelist: (typeof WHITELIST_TYPES)[number];
  language?: string;
  default_profile_type?: string;
  last_updated: string;
}

/** §12.4.1 AllowedType, §12.3.1 AuthorizationInfo (what a partner's real-time authorization answers). */
export type OcpiAllowed = 'ALLOWED' | 'BLOCKED' | 'EXPIRED' | 'NO_CREDIT' | 'NOT_ALLOWED';
export interface OcpiAuthorizationInfo {
  allowed: OcpiAllowed;
  token: OcpiToken;
  authorization_reference?: string;
}
