// CDS Hooks requests for the two order hooks pol answers (`order-select`, `order-sign`), read from
// untrusted JSON: every problem located by its path in the request, so a bad request gets a 400
// that says what to fix.

export type OrderHook = "order-select" | "order-sign";
export const ORDER_HOOKS: readonly OrderHook[] = ["order-select", "order-sign"];

type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export interface HookRequest {
  hook: OrderHook;
  hookInstance: string;
  patientId: string;
  encounterId?: string;
  /** The draft orders: a FHIR Bundle. */
  draftOrders: { resourceType: "Bundle"; entry?: { resource?: Json }[] };
  /** order-select: the ids of the orders just selected (`ServiceRequest/123` or `123`). */
  selections?: string[];
  /** Prefetched resources by key; absent keys were not sent. */
  prefetch: Record<string, unknown>;
}

export interface RequestProblem {
  /** Where in the request: `context.draftOrders`. */
  path: string;
  message: string;
}

/** A CDS Hooks request for `hook`, or every problem with it. */
export function readHookRequest(json: unknown, hook: OrderHook): { ok: true; request: HookRequest } | { ok: false; problems: RequestProblem[] } {
  const problems: RequestProblem[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(json)) return { ok: false, problems: [{ path: "", message: "expected a CDS Hooks request (a JSON object)" }] };
  if (json.hook !== hook) fail("hook", `this service answers \`${hook}\`, the request is for ${typeof json.hook === "string" ? `\`${json.hook}\`` : "no hook"}`);
  if (typeof json.hookInstance !== "string" || json.hookInstance === "") fail("hookInstance", "expected the hook instance's id (a string)");
  const context = json.context;
  if (!isObject(context)) {
    fail("context", "expected the hook's context (an object)");
    return { ok: false, problems };
  }
  if (typeof context.patientId !== "string" || context.patientId === "") fail("context.patientId", "expected the patient's id (a string)");
  if (context.encounterId !== undefined && typeof context.encounterId !== "string") fail("context.encounterId", "expected the encounter's id (a string)");
  const draftOrders = context.draftOrders;
  if (!isObject(draftOrders) || draftOrders.resourceType !== "Bundle") fail("context.draftOrders", "expected the draft orders as a FHIR Bundle");
  else if (draftOrders.entry !== undefined && !(Array.isArray(draftOrders.entry) && draftOrders.entry.every(isObject)))
    fail("context.draftOrders.entry", "expected a list of bundle entries");
  else {
    // A draft order is answered by updating it: it needs its id.
    (draftOrders.entry ?? []).forEach((entry: Json, index: number) => {
      const resource = entry.resource;
      if (isObject(resource) && resource.resourceType === "ServiceRequest" && (typeof resource.id !== "string" || resource.id === ""))
        fail(`context.draftOrders.entry[${index}].resource.id`, "a draft ServiceRequest needs its id, so that the answer can update it");
    });
  }
  let selections: string[] | undefined;
  if (hook === "order-select") {
    if (!Array.isArray(context.selections) || !context.selections.every((id) => typeof id === "string")) fail("context.selections", "expected the ids of the selected orders (a list of strings)");
    else selections = context.selections;
  }
  const prefetch = json.prefetch ?? {};
  if (!isObject(prefetch)) fail("prefetch", "expected the prefetched resources by key (an object)");
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: {
      hook,
      hookInstance: json.hookInstance as string,
      patientId: context.patientId as string,
      ...(typeof context.encounterId === "string" ? { encounterId: context.encounterId } : {}),
      draftOrders: draftOrders as HookRequest["draftOrders"],
      ...(selections === undefined ? {} : { selections }),
      prefetch: prefetch as Record<string, unknown>,
    },
  };
}

/** The prefetch templates pol's services declare: the patient's record as the bindings read it. */
export const PREFETCH: Readonly<Record<string, string>> = {
  patient: "Patient/{{context.patientId}}",
  coverage: "Coverage?patient={{context.patientId}}&status=active",
  conditions: "Condition?patient={{context.patientId}}",
  procedures: "Procedure?patient={{context.patientId}}",
  observations: "Observation?patient={{context.patientId}}",
  medicationStatements: "MedicationStatement?patient={{context.patientId}}",
  medicationRequests: "MedicationRequest?patient={{context.patientId}}",
  questionnaireResponses: "QuestionnaireResponse?patient={{context.patientId}}",
};

/** Every resource the prefetch holds: a single resource, or the entries of a search Bundle. */
export function prefetchedResources(prefetch: Record<string, unknown>): Json[] {
  const resources: Json[] = [];
  for (const value of Object.values(prefetch)) {
    if (!isObject(value)) continue;
    if (value.resourceType === "Bundle" && Array.isArray(value.entry)) {
      for (const entry of value.entry) if (isObject(entry) && isObject(entry.resource)) resources.push(entry.resource);
    } else if (typeof value.resourceType === "string") resources.push(value);
  }
  return resources;
}
