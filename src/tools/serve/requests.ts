// A CDS Hooks request made from a FHIR bundle that holds a patient's record and their orders:
// the ServiceRequests become the draft orders, the rest the prefetch under the keys pol's
// services declare. For trying the service (docs/fhir.md), its tests and its benchmark.

import { isObject, PREFETCH, type OrderHook } from "./hooks.js";

type Json = Record<string, unknown>;

/** The prefetch key each resource type goes under (PREFETCH's templates). */
const PREFETCH_KEY: Readonly<Record<string, keyof typeof PREFETCH>> = {
  Patient: "patient",
  Coverage: "coverage",
  Condition: "conditions",
  Procedure: "procedures",
  Observation: "observations",
  MedicationStatement: "medicationStatements",
  MedicationRequest: "medicationRequests",
  QuestionnaireResponse: "questionnaireResponses",
};

export interface HookRequestOptions {
  hook: OrderHook;
  hookInstance: string;
  /** order-select: the ids of the selected orders (default: all). */
  selections?: string[];
  /** A Coverage to send when the bundle holds none. */
  coverage?: Json;
}

/** The request, or a sentence saying why the bundle cannot make one. */
export function hookRequestFromBundle(bundle: unknown, options: HookRequestOptions): Json | string {
  if (!isObject(bundle) || bundle.resourceType !== "Bundle" || !Array.isArray(bundle.entry)) return "expected a FHIR Bundle with entries";
  const resources = bundle.entry.filter(isObject).map((entry) => entry.resource).filter(isObject);
  const patient = resources.find((resource) => resource.resourceType === "Patient");
  if (patient === undefined || typeof patient.id !== "string") return "the bundle has no Patient with an id";
  const orders = resources.filter((resource) => resource.resourceType === "ServiceRequest");
  if (options.coverage !== undefined && !resources.some((resource) => resource.resourceType === "Coverage")) resources.push(options.coverage);
  const prefetch: Record<string, unknown> = { patient };
  for (const resource of resources) {
    const key = PREFETCH_KEY[String(resource.resourceType)];
    if (key === undefined || key === "patient") continue;
    const search = (prefetch[key] ??= { resourceType: "Bundle", type: "searchset", entry: [] }) as { entry: Json[] };
    search.entry.push({ resource });
  }
  return {
    hook: options.hook,
    hookInstance: options.hookInstance,
    context: {
      userId: "Practitioner/example",
      patientId: patient.id,
      draftOrders: { resourceType: "Bundle", type: "collection", entry: orders.map((resource) => ({ resource })) },
      ...(options.hook === "order-select" ? { selections: options.selections ?? orders.map((order) => `ServiceRequest/${String(order.id)}`) } : {}),
    },
    prefetch,
  };
}
