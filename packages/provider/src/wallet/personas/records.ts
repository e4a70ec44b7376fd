/**
 * The record shapes inside the json-array scopes, as the sgID data catalog documents them.
 * Shared by the file validator (to catch a misspelt key before a relying party does) and
 * by the consent screen summaries.
 */
import type { DataScopeName } from 'sgid-protocol';

export const RECORD_FIELDS = {
  'myinfo.vehicles': ['vehicle_number'],
  'myinfo.children_birth_records': [
    'birth_cert_no',
    'name',
    'date_of_birth',
    'sex',
    'race',
    'life_status',
    'secondary_race',
    'vaccination_requirements',
    'is_sg_citizen_at_birth',
  ],
  'myinfo.sponsored_children_records': [
    'nric',
    'name',
    'date_of_birth',
    'sex',
    'race',
    'life_status',
    'nationality',
    'residential_status',
    'secondary_race',
  ],
  'pocdex.public_officer_details': ['work_email', 'agency_name', 'department_name', 'employment_type', 'employment_title'],
} as const satisfies Partial<Record<DataScopeName, readonly string[]>>;

export type RecordScope = keyof typeof RECORD_FIELDS;

/** Keys of each entry of a child's `vaccination_requirements` array. */
export const VACCINATION_FIELDS = ['fulfilled', 'requirement'] as const;

export function isRecordScope(scope: string): scope is RecordScope {
  return Object.hasOwn(RECORD_FIELDS, scope);
}
