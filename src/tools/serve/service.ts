// The CRD service behind `pol serve`: discovery, and the answer to an order hook. For each draft
// ServiceRequest, every served policy decides the order from the patient's record (the prefetch,
// read through the policy's FHIR bindings); the answer is a system action that adds the
// coverage-information extension to the order, and, for a pended order, a card that offers the
// questionnaire of the facts still needed.

import { createHash } from "node:crypto";
import type { Determination, ItemDetermination, SchemaDescriptor } from "@pol/runtime";
import {
  coverageInformation,
  COVERAGE_INFORMATION_URL,
  evaluateCase,
  questionnaireFor,
  questionnaireUrl,
  type CheckedPolicy,
  type FhirExtension,
  type Questionnaire,
} from "../../index.js";
import { formCompletionCard, noticeCard, type Card } from "./cards.js";
import { isObject, ORDER_HOOKS, PREFETCH, prefetchedResources, readHookRequest, type HookRequest, type OrderHook, type RequestProblem } from "./hooks.js";

/** What reading the record into a case gives (the FHIR reader's result, as far as serving needs it). */
export interface CaseRead {
  ok: boolean;
  case: Record<string, unknown>;
  problems: { message: string }[];
  sources: { fact: string; resourceType: string; id?: string }[];
}

/** Reads a record (a FHIR bundle) into a case: the FHIR bindings' reader. */
export interface CaseReader {
  read(bundle: object): CaseRead;
}

/** A policy the service answers for, with the reader of its FHIR bindings. Policies that share
 *  bindings should share one reader: the record is then read once per request for all of them. */
export interface ServedPolicy {
  policy: CheckedPolicy;
  schema: SchemaDescriptor;
  reader: CaseReader;
  /** Decide a proposed policy (`effective proposed`) as if it were in effect (`pol serve --as-proposed`). */
  asProposed?: boolean;
}

export interface HookResponse {
  cards: Card[];
  systemActions: { type: "update"; description: string; resource: Record<string, unknown> }[];
}

/** A reply: a CDS Hooks response, or a request error with what is wrong. */
export type HookReply = { status: 200; body: HookResponse } | { status: 400 | 404; problems: RequestProblem[] };

const SERVICE_PREFIX = "pol-";

/** One policy's determination of a request's record. */
interface Decision {
  served: ServedPolicy;
  determination: Determination;
  caseJson: Record<string, unknown>;
  /** The draft order a line item came from. */
  orderOf(index: number): Record<string, unknown> | undefined;
}

type Json = Record<string, unknown>;

function uuid(parts: readonly unknown[]): string {
  const hex = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class CoverageService {
  /** Questionnaires handed out, by id, for `GET /Questionnaire/{id}` (the most recent ones). */
  private readonly questionnaires = new Map<string, Questionnaire>();

  constructor(
    private readonly policies: readonly ServedPolicy[],
    /** The server's base URL, for the questionnaires' canonical URLs. */
    private readonly baseUrl: string,
    private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
    private readonly keep = 1000,
  ) {}

  /** `GET /cds-services` */
  discovery(): { services: object[] } {
    const names = this.policies.map(({ policy }) => `${policy.metadata.payer} ${policy.metadata.number} (${policy.metadata.title})`).join("; ");
    return {
      services: ORDER_HOOKS.map((hook) => ({
        hook,
        id: `${SERVICE_PREFIX}${hook}`,
        title: `Coverage requirements (${hook})`,
        description: `Whether each draft order is covered, needs prior authorization or needs documentation, under ${names}.`,
        prefetch: PREFETCH,
        extension: { "davinci-crd.version": ["2.2"] },
      })),
    };
  }

  questionnaire(id: string): Questionnaire | undefined {
    return this.questionnaires.get(id);
  }

  /** `POST /cds-services/{id}` */
  answer(serviceId: string, json: unknown): HookReply {
    const hook = ORDER_HOOKS.find((candidate) => `${SERVICE_PREFIX}${candidate}` === serviceId);
    if (hook === undefined) return { status: 404, problems: [{ path: "", message: `no CDS service \`${serviceId}\`; the services are ${ORDER_HOOKS.map((h) => `\`${SERVICE_PREFIX}${h}\``).join(" and ")}` }] };
    const read = readHookRequest(json, hook);
    if (!read.ok) return { status: 400, problems: read.problems };
    return this.answerRequest(read.request);
  }

  private answerRequest(request: HookRequest): HookReply {
    const date = this.today();
    const orders = (request.draftOrders.entry ?? []).map((entry) => entry.resource).filter((resource): resource is Json => isObject(resource) && resource.resourceType === "ServiceRequest");
    const record = prefetchedResources(request.prefetch);
    const coverage = record.find((resource) => resource.resourceType === "Coverage" && typeof resource.id === "string");
    const response: HookResponse = { cards: [], systemActions: [] };
    if (orders.length === 0) return { status: 200, body: response };
    if (coverage === undefined) {
      const label = this.policies[0]?.policy.metadata.payer ?? "pol";
      response.cards.push(noticeCard(uuid([request.hookInstance, "coverage"]), label, "No coverage information: the request names no active Coverage", `Send the member's active Coverage (prefetch \`coverage\`: \`${PREFETCH.coverage}\`); coverage assertions are made about one Coverage.`));
      return { status: 200, body: response };
    }
    const decided = this.decide(request, [...record, ...orders], orders, date, response.cards);
    if (!Array.isArray(decided)) return decided;
    const selected = (order: Json) =>
      request.selections === undefined || request.selections.some((id) => id === order.id || id === `ServiceRequest/${String(order.id)}`);
    // Per order: the answers of the policies that decide it, else (none does) every policy's.
    const deciding = new Map<Json, FhirExtension[]>();
    const undeciding = new Map<Json, FhirExtension[]>();
    for (const decision of decided) {
      for (const item of decision.determination.items) {
        const order = decision.orderOf(item.index);
        if (order === undefined || !selected(order)) continue;
        const questionnaire = this.offerQuestionnaire(request, decision, item, order, date, response.cards);
        const extension = coverageInformation(decision.determination, item, { coverage: { reference: `Coverage/${String(coverage.id)}` }, date, questionnaire: () => questionnaire });
        const into = item.outcome === "no_applicable_policy" || item.outcome === "policy_not_in_effect" ? undeciding : deciding;
        into.set(order, [...(into.get(order) ?? []), extension]);
      }
    }
    for (const order of orders) {
      const added = deciding.get(order) ?? undeciding.get(order);
      if (added === undefined) continue;
      // Only the coverage information changes (CRD resp-37); an earlier answer is replaced.
      const kept = Array.isArray(order.extension) ? order.extension.filter((extension) => !(isObject(extension) && extension.url === COVERAGE_INFORMATION_URL)) : [];
      response.systemActions.push({
        type: "update",
        description: `Coverage information for ServiceRequest/${String(order.id)}`,
        resource: { ...order, extension: [...kept, ...added] },
      });
    }
    return { status: 200, body: response };
  }

  /** Every served policy's determination of the record, or the reply refusing it. */
  private decide(request: HookRequest, resources: Json[], orders: Json[], date: string, cards: Card[]): Decision[] | HookReply {
    const bundle = { resourceType: "Bundle", type: "collection", entry: resources.map((resource) => ({ resource })) };
    const decided: Decision[] = [];
    const reads = new Map<CaseReader, CaseRead>();
    for (const served of this.policies) {
      let read = reads.get(served.reader);
      if (read === undefined) {
        read = served.reader.read(bundle);
        reads.set(served.reader, read);
      }
      if (!read.ok) return { status: 400, problems: read.problems.map((problem) => ({ path: "context.draftOrders", message: problem.message })) };
      const caseJson = { ...read.case };
      // An order without an occurrence is decided as of the day it is placed.
      if (caseJson.date_of_service === undefined || caseJson.date_of_service === null) caseJson.date_of_service = date;
      const evaluated = evaluateCase(served.policy, caseJson, { unknownFields: "ignore", trace: false, ...(served.asProposed ? { asProposed: true } : {}) });
      if (!evaluated.ok) return { status: 400, problems: evaluated.errors.map((error) => ({ path: "prefetch", message: `${error.path}: ${error.message}` })) };
      if (read.problems.length > 0) {
        const { metadata } = served.policy;
        cards.push(noticeCard(uuid([request.hookInstance, metadata.id, "problems"]), metadata.payer, `Part of the record could not be read for ${metadata.payer} ${metadata.number}`, read.problems.map((problem) => `- ${problem.message}`).join("\n")));
      }
      // Line item i is the order the reader says it came from.
      const byItem = new Map(read.sources.filter((source) => /^items\[\d+\]$/.test(source.fact)).map((source) => [Number(source.fact.slice(6, -1)), source.id]));
      const orderOf = (index: number) => {
        const id = byItem.get(index);
        return id === undefined ? orders[index] : (orders.find((order) => order.id === id) ?? orders[index]);
      };
      decided.push({ served, determination: evaluated.determination, caseJson, orderOf });
    }
    return decided;
  }

  /** For a pended item: the questionnaire of what it needs, kept for GET and offered in a card; its URL. */
  private offerQuestionnaire(request: HookRequest, decision: Decision, item: ItemDetermination, order: Json, date: string, cards: Card[]): string | undefined {
    if (item.outcome !== "pended" || item.missing.length === 0) return undefined;
    const { determination, served, caseJson } = decision;
    const id = questionnaireUrl(determination, item.missing.map((missing) => missing.fact)).slice("urn:uuid:".length);
    const questionnaire = questionnaireFor(determination, served.schema, caseJson, { items: [item.index], url: `${this.baseUrl}/Questionnaire/${id}`, date });
    if (questionnaire === undefined) return undefined;
    this.remember(id, questionnaire);
    const ids = { card: uuid([request.hookInstance, id, "card"]), suggestion: uuid([request.hookInstance, id, "suggestion"]), task: uuid([id, "task"]) };
    cards.push(formCompletionCard(determination, item, { reference: `ServiceRequest/${String(order.id)}` }, questionnaire, ids, request.patientId, date));
    return questionnaire.url;
  }

  private remember(id: string, questionnaire: Questionnaire): void {
    this.questionnaires.delete(id);
    this.questionnaires.set(id, questionnaire);
    if (this.questionnaires.size > this.keep) this.questionnaires.delete(this.questionnaires.keys().next().value!);
  }
}

export type { OrderHook };
