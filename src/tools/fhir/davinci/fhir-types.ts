// The few FHIR R4 data types the Da Vinci answers are built from, as plain JSON shapes. Only the
// elements pol writes or reads are declared; every resource pol emits is checked against the
// official R4 StructureDefinitions in the tests (test/support/fhir-validator.ts).

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference?: string;
  type?: string;
  identifier?: { system?: string; value?: string };
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

/** An extension: a value, or (for a complex extension) nested extensions. */
export interface Extension {
  url: string;
  extension?: Extension[];
  valueCode?: string;
  valueString?: string;
  valueDate?: string;
  valueBoolean?: boolean;
  valueCanonical?: string;
  valueReference?: Reference;
  valueCoding?: Coding;
  valueCodeableConcept?: CodeableConcept;
}

/** Any resource, as far as pol needs to know. */
export interface Resource {
  resourceType: string;
  id?: string;
  [element: string]: unknown;
}

/** The UCUM code system, for percents and durations. */
export const UCUM = "http://unitsofmeasure.org";
