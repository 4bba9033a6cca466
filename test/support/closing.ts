/**
 * Closing a year in a test that is about something else: every warning of the closing checklist
 * acknowledged with a comment (a blocking point still refuses the close, as it should).
 */
import type { TestStack } from "./stack.js";

/** The close's body acknowledging every warning of `year`'s checklist. */
export async function acknowledgeAll(stack: TestStack, year: number): Promise<{ acknowledged: Array<{ id: string; comment: string }> }> {
  const res = await stack.call("GET", `/v1/ledger/years/${year}/closing-checklist`, { role: "auditor" });
  if (res.status !== 200) throw new Error(`closing checklist ${year}: ${res.status} ${await res.text()}`);
  const { toAcknowledge } = (await res.json()) as { toAcknowledge: string[] };
  return { acknowledged: toAcknowledge.map((id) => ({ id, comment: "Vu pour ce test, sans objet." })) };
}

/** `POST /v1/ledger/years/{year}/close` with every warning acknowledged. */
export async function closeAcknowledged(stack: TestStack, year: number, headers?: Record<string, string>): Promise<Response> {
  return stack.call("POST", `/v1/ledger/years/${year}/close`, { body: await acknowledgeAll(stack, year), ...(headers ? { headers } : {}) });
}
