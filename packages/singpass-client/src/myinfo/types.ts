/**
 * Myinfo v5 data as userinfo's `person_info` carries it (SINGPASS.md §2; the Myinfo v4 "Get
 * Person" schema): one item per scope, each with its envelope (`classification`, `source`,
 * `lastupdated`, and `unavailable: true` instead of data when the source has no record), and the
 * data as `value`, as `code` + `desc`, or as a record of such fields (addresses, phone numbers,
 * children, vehicles…). `toPlainPerson` (./plain.ts) turns it into plain values.
 */

/** Where an item comes from: 1 government-verified, 2 user-provided, 3 not applicable, 4 verified by Singpass. */
export type MyinfoSource = '1' | '2' | '3' | '4';

/** The envelope of every item. */
export interface MyinfoMeta {
  /** Always `C` (confidential). */
  classification: 'C' | (string & {});
  source: MyinfoSource | (string & {});
  /** `YYYY-MM-DD`; may be empty when the source has no record. */
  lastupdated: string;
  /** `true` when the source has no data: then the item carries nothing but its envelope. */
  unavailable?: boolean;
}

/** A field inside a record: `{ value }`. */
export interface MyinfoField<T = string> {
  value?: T;
}

/** A coded field inside a record: `{ code, desc }`. */
export interface MyinfoCodedField<C extends string = string> {
  code?: C | (string & {});
  desc?: string;
}

/** An item holding one value, e.g. `name`, `uinfin`, `dob`, `email`. */
export interface MyinfoValue<T = string> extends MyinfoMeta, MyinfoField<T> {}

/** An item holding a code and its description, e.g. `sex` (`F`, `FEMALE`), `race`, `nationality`. */
export interface MyinfoCoded<C extends string = string> extends MyinfoMeta, MyinfoCodedField<C> {}

/**
 * An address: `type: "SG"` with block, building, floor, unit, street, postal and country, or
 * `type: "UNFORMATTED"` (a foreign address) with `line1` and `line2`.
 */
export interface MyinfoAddress extends MyinfoMeta {
  type?: 'SG' | 'UNFORMATTED' | (string & {});
  block?: MyinfoField;
  building?: MyinfoField;
  floor?: MyinfoField;
  unit?: MyinfoField;
  street?: MyinfoField;
  postal?: MyinfoField;
  country?: MyinfoCodedField;
  line1?: MyinfoField;
  line2?: MyinfoField;
}

/** A phone number in parts: `{ prefix: "+", areacode: "65", nbr: "97399245" }`. */
export interface MyinfoPhone extends MyinfoMeta {
  prefix?: MyinfoField;
  areacode?: MyinfoField;
  nbr?: MyinfoField;
}

/** The fields a child's record shares with a person's. */
export interface MyinfoPersonFields {
  name?: MyinfoField;
  hanyupinyinname?: MyinfoField;
  aliasname?: MyinfoField;
  hanyupinyinaliasname?: MyinfoField;
  marriedname?: MyinfoField;
  sex?: MyinfoCodedField<'F' | 'M' | 'U'>;
  race?: MyinfoCodedField;
  secondaryrace?: MyinfoCodedField;
  dialect?: MyinfoCodedField;
  dob?: MyinfoField;
  lifestatus?: MyinfoCodedField<'A' | 'D'>;
}

/** One of `childrenbirthrecords`. */
export interface MyinfoChildBirthRecord extends MyinfoMeta, MyinfoPersonFields {
  birthcertno?: MyinfoField;
  /** `HHMM` */
  tob?: MyinfoField;
  vaccinationrequirements?: { requirement?: MyinfoCodedField; fulfilled?: MyinfoField<boolean> }[];
  /** `Y`, `N` or empty. */
  sgcitizenatbirthind?: MyinfoField;
  [field: string]: unknown;
}

/** One of `sponsoredchildrenrecords`. */
export interface MyinfoSponsoredChildRecord extends MyinfoMeta, MyinfoPersonFields {
  nric?: MyinfoField;
  birthcountry?: MyinfoCodedField;
  residentialstatus?: MyinfoCodedField;
  nationality?: MyinfoCodedField;
  scprgrantdate?: MyinfoField;
  [field: string]: unknown;
}

/** One of `vehicles`. */
export interface MyinfoVehicle extends MyinfoMeta {
  vehicleno?: MyinfoField;
  type?: MyinfoField;
  make?: MyinfoField;
  model?: MyinfoField;
  yearofmanufacture?: MyinfoField;
  firstregistrationdate?: MyinfoField;
  coeexpirydate?: MyinfoField;
  roadtaxexpirydate?: MyinfoField;
  status?: MyinfoCodedField;
  [field: string]: unknown;
}

/** `cpfbalances`: each account's balance in SGD. */
export interface MyinfoCpfBalances {
  ma?: MyinfoValue<number>;
  oa?: MyinfoValue<number>;
  sa?: MyinfoValue<number>;
  ra?: MyinfoValue<number>;
  [account: string]: unknown;
}

/** Any item with fields this SDK does not type one by one (`drivinglicence`, `noa-basic`…). */
export interface MyinfoRecord extends MyinfoMeta {
  [field: string]: unknown;
}

/** The Myinfo v5 items this SDK types, by scope name. */
export interface MyinfoItems {
  uinfin: MyinfoValue;
  partialuinfin: MyinfoValue;
  name: MyinfoValue;
  aliasname: MyinfoValue;
  hanyupinyinname: MyinfoValue;
  hanyupinyinaliasname: MyinfoValue;
  marriedname: MyinfoValue;
  sex: MyinfoCoded<'F' | 'M' | 'U'>;
  race: MyinfoCoded;
  secondaryrace: MyinfoCoded;
  dialect: MyinfoCoded;
  /** `YYYY-MM-DD`, or partial: `YYYY-MM`, `YYYY`. */
  dob: MyinfoValue;
  birthcountry: MyinfoCoded;
  /** `C` citizen, `P` permanent resident, `A` alien, `U` unknown, `N` not applicable. */
  residentialstatus: MyinfoCoded<'A' | 'C' | 'P' | 'U' | 'N'>;
  nationality: MyinfoCoded;
  passportnumber: MyinfoValue;
  passportexpirydate: MyinfoValue;
  passtype: MyinfoCoded;
  passstatus: MyinfoValue;
  passexpirydate: MyinfoValue;
  employmentsector: MyinfoValue;
  mobileno: MyinfoPhone;
  email: MyinfoValue;
  regadd: MyinfoAddress;
  mailadd: MyinfoAddress;
  billadd: MyinfoAddress;
  housingtype: MyinfoCoded;
  hdbtype: MyinfoCoded;
  hdbownership: MyinfoRecord[];
  ownerprivate: MyinfoValue<boolean>;
  marital: MyinfoCoded;
  marriagedate: MyinfoValue;
  divorcedate: MyinfoValue;
  countryofmarriage: MyinfoCoded;
  marriagecertno: MyinfoValue;
  childrenbirthrecords: MyinfoChildBirthRecord[];
  sponsoredchildrenrecords: MyinfoSponsoredChildRecord[];
  vehicles: MyinfoVehicle[];
  drivinglicence: MyinfoRecord;
  occupation: MyinfoCoded;
  employment: MyinfoValue;
  cpfbalances: MyinfoCpfBalances;
  'noa-basic': MyinfoRecord;
}

/** userinfo's `person_info`: the items released (typed when known), each optional. */
export type PersonInfo = Partial<MyinfoItems> & { [item: string]: unknown };
