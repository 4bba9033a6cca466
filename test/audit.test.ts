/**
 * The audit trail (issue 12): every staff write records who made it (the token's subject and the
 * role it acted with) and from where (the request id), beside what it wrote.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { getItem } from "@asso/core/db";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const who = (role: string) => ({ sub: `dev-${role}`, role, requestId: expect.any(String) });

it("an entry, a funder and a month of social statistics each keep who wrote them and the request id", async () => {
  const entry = await stack.call("POST", "/v1/ledger/entries", {
    body: {
      journal: "OD",
      date: "2025-03-01",
      label: "Audit",
      pieceRef: "A-1",
      lines: [
        { account: "471", debit: 100 },
        { account: "512", credit: 100 },
      ],
    },
  });
  expect(entry.status).toBe(201);
  const { id, createdBy } = (await entry.json()) as { id: string; createdBy: unknown };
  expect(createdBy).toMatchObject(who("tresorier"));

  const funder = await stack.call("POST", "/v1/funders", { body: { name: "Fondation Audit", kind: "foundation" } });
  expect(funder.status).toBe(201);
  const funderId = ((await funder.json()) as { id: string }).id;
  expect((await getItem(stack.db, { pk: `FUNDER#${funderId}`, sk: "FUNDER" }))?.createdBy).toMatchObject(who("tresorier"));

  const social = await stack.call("PUT", "/v1/social-metrics/linkedin/2025-02", { role: "delegation", body: { followers: 10 } });
  expect(social.status).toBe(200);
  expect((await getItem(stack.db, { pk: "SOCIAL#2025", sk: "linkedin#2025-02" }))?.updatedBy).toMatchObject(who("delegation"));
  expect(id).toBeTruthy();
});
