/**
 * Myinfo v5: the data items a Myinfo app may request (one scope per item) and the shapes in
 * which userinfo's `person_info` carries them (the Myinfo v4 "Get Person" schema). Every item
 * has the same envelope — `classification`, `source`, `lastupdated`, and `unavailable: true`
 * with no value when the person has no record — around its own body.
 */

/** How an item's body is shaped. */
export type MyinfoShape =
  | 'value' // { value: string }
  | 'date' // { value: "YYYY-MM-DD" } (partial dates: "YYYY-MM", "YYYY")
  | 'code' // { code, desc }
  | 'address' // SG: block, building, floor, unit, street, postal, country; or UNFORMATTED: line1, line2
  | 'phone' // { prefix: {value:"+"}, areacode: {value:"65"}, nbr: {value} }
  | 'list'; // an array of records, each with its own envelope

export interface MyinfoItemDefinition {
  /** The item's name: the scope a Myinfo app requests and the key in `person_info`. */
  readonly item: string;
  /** Short label for consent screens, e.g. "Registered address". */
  readonly label: string;
  readonly description: string;
  readonly shape: MyinfoShape;
}

const items = [
  { item: 'uinfin', label: 'NRIC / FIN', description: 'Your NRIC or FIN number.', shape: 'value' },
  { item: 'partialuinfin', label: 'Partial NRIC / FIN', description: 'Your NRIC or FIN with all but the last four characters masked.', shape: 'value' },
  { item: 'name', label: 'Full name', description: 'Your full name as on your NRIC or FIN card.', shape: 'value' },
  { item: 'aliasname', label: 'Alias name', description: 'Your alias name, if you have one.', shape: 'value' },
  { item: 'hanyupinyinname', label: 'Hanyu Pinyin name', description: 'Your name in Hanyu Pinyin, if on record.', shape: 'value' },
  { item: 'hanyupinyinaliasname', label: 'Hanyu Pinyin alias name', description: 'Your alias name in Hanyu Pinyin, if on record.', shape: 'value' },
  { item: 'marriedname', label: 'Married name', description: 'Your married name, if on record.', shape: 'value' },
  { item: 'sex', label: 'Sex', description: 'Your sex as on record.', shape: 'code' },
  { item: 'race', label: 'Race', description: 'Your race as on record.', shape: 'code' },
  { item: 'secondaryrace', label: 'Secondary race', description: 'Your secondary race, if on record.', shape: 'code' },
  { item: 'dialect', label: 'Dialect', description: 'Your dialect group.', shape: 'code' },
  { item: 'nationality', label: 'Nationality', description: 'Your nationality or citizenship.', shape: 'code' },
  { item: 'dob', label: 'Date of birth', description: 'Your date of birth.', shape: 'date' },
  { item: 'birthcountry', label: 'Country of birth', description: 'The country or place where you were born.', shape: 'code' },
  { item: 'residentialstatus', label: 'Residential status', description: 'Citizen, permanent resident, foreigner (alien)…', shape: 'code' },
  { item: 'passportnumber', label: 'Passport number', description: 'Your passport number.', shape: 'value' },
  { item: 'passportexpirydate', label: 'Passport expiry date', description: 'The date your passport expires.', shape: 'date' },
  { item: 'regadd', label: 'Registered address', description: 'Your address as registered with the government.', shape: 'address' },
  { item: 'housingtype', label: 'Housing type', description: 'The type of private housing at your registered address.', shape: 'code' },
  { item: 'hdbtype', label: 'HDB flat type', description: 'The type of HDB flat at your registered address.', shape: 'code' },
  { item: 'email', label: 'Email address', description: 'Your email address as you registered it.', shape: 'value' },
  { item: 'mobileno', label: 'Mobile number', description: 'Your mobile number as you registered it.', shape: 'phone' },
  { item: 'marital', label: 'Marital status', description: 'Your marital status.', shape: 'code' },
  { item: 'marriagecertno', label: 'Marriage certificate number', description: 'The number of your latest marriage certificate.', shape: 'value' },
  { item: 'countryofmarriage', label: 'Country of marriage', description: 'The country of your latest marriage.', shape: 'code' },
  { item: 'marriagedate', label: 'Marriage date', description: 'The date of your latest marriage.', shape: 'date' },
  { item: 'divorcedate', label: 'Divorce date', description: 'The date of your divorce, if any.', shape: 'date' },
  { item: 'childrenbirthrecords', label: "Children's birth records", description: 'Birth records of your children.', shape: 'list' },
  { item: 'sponsoredchildrenrecords', label: 'Sponsored children records', description: 'Records of children you sponsor.', shape: 'list' },
  { item: 'occupation', label: 'Occupation', description: 'Your occupation.', shape: 'code' },
  { item: 'employment', label: 'Name of employer', description: 'Your employer, from your work pass.', shape: 'value' },
  { item: 'passtype', label: 'Pass type', description: 'The type of your work pass or visit pass.', shape: 'code' },
  { item: 'passstatus', label: 'Pass status', description: 'The status of your pass.', shape: 'value' },
  { item: 'passexpirydate', label: 'Pass expiry date', description: 'The date your pass expires.', shape: 'date' },
  { item: 'vehicles', label: 'Vehicles', description: 'Vehicles registered to you.', shape: 'list' },
] as const satisfies readonly MyinfoItemDefinition[];

/** Every Myinfo item this provider answers, in catalog order. */
export const MYINFO_ITEMS: readonly MyinfoItemDefinition[] = items;

export type MyinfoItemName = (typeof items)[number]['item'];

const byItem = new Map<string, MyinfoItemDefinition>(items.map((i) => [i.item, i]));

/** The catalog entry of a Myinfo item, or undefined when unknown. */
export function getMyinfoItem(item: string): MyinfoItemDefinition | undefined {
  return byItem.get(item);
}

/**
 * Source of a value: 1 government-verified, 2 user provided, 3 not applicable to the person,
 * 4 verified by Singpass.
 */
export type MyinfoSource = '1' | '2' | '3' | '4';

/** The envelope every item carries. With `unavailable: true` the item has no body. */
export interface MyinfoEnvelope {
  classification: 'C';
  source: MyinfoSource;
  /** YYYY-MM-DD (may be empty when the source agency has no record). */
  lastupdated: string;
  unavailable?: true;
}

export interface MyinfoText {
  value: string;
}
export interface MyinfoCode {
  code: string;
  desc: string;
}

export type MyinfoValueItem = MyinfoEnvelope & Partial<MyinfoText>;
export type MyinfoCodeItem = MyinfoEnvelope & Partial<MyinfoCode>;

export interface MyinfoSgAddress {
  type: 'SG';
  block: MyinfoText;
  building: MyinfoText;
  floor: MyinfoText;
  unit: MyinfoText;
  street: MyinfoText;
  postal: MyinfoText;
  country: MyinfoCode;
}
export interface MyinfoUnformattedAddress {
  type: 'UNFORMATTED';
  line1: MyinfoText;
  line2: MyinfoText;
}
export type MyinfoAddressItem = MyinfoEnvelope & Partial<MyinfoSgAddress | MyinfoUnformattedAddress>;

export interface MyinfoPhone {
  prefix: MyinfoText;
  areacode: MyinfoText;
  nbr: MyinfoText;
}
export type MyinfoPhoneItem = MyinfoEnvelope & Partial<MyinfoPhone>;

export interface MyinfoVehicle extends MyinfoEnvelope {
  vehicleno: MyinfoText;
}

export interface MyinfoChildBirthRecord extends MyinfoEnvelope {
  birthcertno: MyinfoText;
  name: MyinfoText;
  dob: MyinfoText;
  sex: MyinfoCode;
  race: MyinfoCode;
  secondaryrace: MyinfoCode;
  lifestatus: MyinfoCode;
  vaccinationrequirements: { requirement: MyinfoCode; fulfilled: { value: boolean } }[];
  sgcitizenatbirthind: { value: 'Y' | 'N' | '' };
}

export interface MyinfoSponsoredChildRecord extends MyinfoEnvelope {
  nric: MyinfoText;
  name: MyinfoText;
  dob: MyinfoText;
  sex: MyinfoCode;
  race: MyinfoCode;
  secondaryrace: MyinfoCode;
  lifestatus: MyinfoCode;
  nationality: MyinfoCode;
  residentialstatus: MyinfoCode;
}

/** `person_info` of a userinfo answer: exactly the requested items. */
export interface PersonInfo {
  uinfin?: MyinfoValueItem;
  partialuinfin?: MyinfoValueItem;
  name?: MyinfoValueItem;
  aliasname?: MyinfoValueItem;
  hanyupinyinname?: MyinfoValueItem;
  hanyupinyinaliasname?: MyinfoValueItem;
  marriedname?: MyinfoValueItem;
  sex?: MyinfoCodeItem;
  race?: MyinfoCodeItem;
  secondaryrace?: MyinfoCodeItem;
  dialect?: MyinfoCodeItem;
  nationality?: MyinfoCodeItem;
  dob?: MyinfoValueItem;
  birthcountry?: MyinfoCodeItem;
  residentialstatus?: MyinfoCodeItem;
  passportnumber?: MyinfoValueItem;
  passportexpirydate?: MyinfoValueItem;
  regadd?: MyinfoAddressItem;
  housingtype?: MyinfoCodeItem;
  hdbtype?: MyinfoCodeItem;
  email?: MyinfoValueItem;
  mobileno?: MyinfoPhoneItem;
  marital?: MyinfoCodeItem;
  marriagecertno?: MyinfoValueItem;
  countryofmarriage?: MyinfoCodeItem;
  marriagedate?: MyinfoValueItem;
  divorcedate?: MyinfoValueItem;
  childrenbirthrecords?: MyinfoChildBirthRecord[];
  sponsoredchildrenrecords?: MyinfoSponsoredChildRecord[];
  occupation?: MyinfoCodeItem;
  employment?: MyinfoValueItem;
  passtype?: MyinfoCodeItem;
  passstatus?: MyinfoValueItem;
  passexpirydate?: MyinfoValueItem;
  vehicles?: MyinfoVehicle[];
}

/** The payload of a FAPI userinfo answer (inside the JWS, inside the JWE). */
export interface SingpassUserinfoPayload {
  person_info: PersonInfo;
  iss: string;
  /** Equal to the ID token's `sub`. */
  sub: string;
  /** The client id. */
  aud: string;
  iat: number;
}
