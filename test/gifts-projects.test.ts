/**
 * Gifts to projects (dons affectés, issue 20 item 1) through the HTTP surface and the Stripe double:
 * the projects the association offers (settings giving.projects, checked against the registry) are
 * the only ones the public page lists and the checkout accepts; the project rides in the Checkout
 * metadata and the gift's 7541 and Stripe fee lines carry it, once whatever the redeliveries, on
 * every monthly renewal too; the trésorier's re-assignment writes one OD entry moving the gift from
 * one project to the other, kept in the gift's history, and the projects and the rest still add up
 * to the compte de résultat.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { signDonorToken } from "@asso/core/giving";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, chargeOf, checkout, dev, donation, pay, stripeApi, stripeEntries, stripeFee, trialBalance } from "./support/giving.js";

let stack: TestStack;
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const year = Number(today.slice(0, 4));
const at = `${today}T10:00:00Z`;

async function post(path: string, body: unknown, role?: string) {
  const res = await stack.call("POST", path, { body, ...(role ? { role } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
async function putGiving(projects: string[]) {
  const current = (await (await stack.call("GET", "/v1/settings")).json()) as { sections: Record<string, { version: number; value: object }> };
  const g = current.sections.giving!;
  return stack.call("PUT", "/v1/settings/giving", { body: { ...g.value, projects }, headers: { "if-match": String(g.version) } });
}
type Figures = {
  items: { code: string; actual: { produits: number; charges: number } }[];
  unassigned: { actual: { produits: number; charges: number } };
  total: { produits: number; charges: number };
};
const figures = async () => (await (await stack.call("GET", `/v1/projects/figures?year=${year}`)).json()) as Figures;
const of = (f: Figures, code: string) => f.items.find((i) => i.code === code)?.actual ?? { produits: 0, charges: 0 };

beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
  for (const [code, name] of [
    ["MILLIARD", "Le milliard pour la transition"],
    ["EDUCPOP", "Éducation populaire"],
    ["PLAIDOYER", "Plaidoyer"],
  ])
    expect((await post("/v1/projects", { code, name })).status).toBeLessThan(300);
}, 120_000);
afterAll(() => stack?.close());

it("offers only projects that exist, lists the offered ones publicly, and refuses a gift to any other (400 naming project)", async () => {
  const bad = await putGiving(["MILLIARD", "NOPE"]);
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([
    { path: "projects.1", message: "projet inconnu : NOPE (créez-le dans « Projets et budgets »)" },
  ]);
  // Nothing offered yet: the list is empty and a project is refused.
  expect(await (await stack.call("GET", "/v1/public/projects", { role: null })).json()).toEqual({ items: [] });
  const none = await stack.call("POST", "/v1/public/donations/checkout", { role: null, body: donation(2000, { project: "MILLIARD" }) });
  expect(none.status).toBe(400);

  expect((await putGiving(["EDUCPOP", "MILLIARD"])).status).toBe(200);
  expect(await (await stack.call("GET", "/v1/public/projects", { role: null })).json()).toEqual({
    items: [
      { code: "EDUCPOP", name: "Éducation populaire" },
      { code: "MILLIARD", name: "Le milliard pour la transition" },
    ],
  });
  for (const project of ["PLAIDOYER", "INCONNU"]) {
    const res = await stack.call("POST", "/v1/public/donations/checkout", { role: null, body: donation(2000, { project }) });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(["project"]);
    expect(problem.errors[0]!.message).toContain("EDUCPOP, MILLIARD");
  }
});

let giftCharge = "";
it("books a gift to an offered project on its 7541 and fee lines, once whatever the redeliveries; the figures show it", async () => {
  const before = await figures();
  const { sessionId } = await checkout(
    stack,
    donation(10_000, { project: "educpop", donor: { email: "affecte@example.org", firstName: "Aline", lastName: "Affectée", address: ADDRESS } }),
  );
  const session = await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`);
  expect((session.metadata as Record<string, string>).project).toBe("EDUCPOP");
  await pay(stack, sessionId, at);
  const charge = await chargeOf(stack, sessionId);
  giftCharge = charge.id;
  const fee = stripeFee(10_000);
  const entry = (await stripeEntries(stack, today, today)).find((e) => e.pieceRef === charge.id)!;
  expect(entry.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
    ["4671", 10_000, 0, null],
    ["7541", 0, 10_000, "EDUCPOP"],
    ["627", fee, 0, "EDUCPOP"],
    ["4671", 0, fee, null],
  ]);
  // Every event delivered again: nothing booked twice.
  for (const e of stack.stripe.events.filter((x) => JSON.stringify(x.data).includes(sessionId)))
    await fetch(`${stack.stripeUrl}/__dev/events/${e.id}/redeliver`, { method: "POST" });
  expect((await stripeEntries(stack, today, today)).filter((e) => e.pieceRef === charge.id)).toHaveLength(1);
  const after = await figures();
  expect(of(after, "EDUCPOP").produits - of(before, "EDUCPOP").produits).toBe(10_000);
  expect(of(after, "EDUCPOP").charges - of(before, "EDUCPOP").charges).toBe(fee);
  // The donor's space says where the gift went.
  const space = await stack.call("GET", "/v1/public/donor/space", {
    role: null,
    headers: { authorization: `Bearer ${signDonorToken("affecte@example.org", Date.now() + 600_000)}` },
  });
  const gifts = ((await space.json()) as { gifts: { reference: string; project?: { code: string; name: string } }[] }).gifts;
  expect(gifts.find((g) => g.reference === charge.id)?.project).toEqual({ code: "EDUCPOP", name: "Éducation populaire" });
});

it("keeps a monthly gift's project on each renewal", async () => {
  const { sessionId } = await checkout(stack, {
    amount: 1500,
    frequency: "monthly",
    project: "MILLIARD",
    donor: { email: "mensuel.projet@example.org", firstName: "Marc", lastName: "Mensuel", address: ADDRESS },
  });
  await pay(stack, sessionId, at);
  const subscriptionId = (await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`)).subscription as string;
  await dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at });
  const gifts = ((await (await stack.call("GET", `/v1/gifts?year=${year}&project=MILLIARD`)).json()) as { items: { id: string; frequency: string }[] }).items;
  expect(gifts.filter((g) => g.frequency === "monthly")).toHaveLength(2);
  const entries = (await stripeEntries(stack, today, today)).filter((e) => gifts.some((g) => g.id === e.pieceRef));
  expect(entries).toHaveLength(2);
  for (const e of entries) expect(e.lines.find((l) => l.account === "7541")?.project).toBe("MILLIARD");
});

it("re-assigns a gift: one OD entry moves it from the old project to the new, in its history; the totals equal the compte de résultat", async () => {
  const before = await figures();
  const fee = stripeFee(10_000);
  // Refused: no reason, an unknown project, the délégation, a membership or a made-up gift.
  expect((await post(`/v1/gifts/${giftCharge}/project`, { project: "PLAIDOYER" })).body.errors.map((e: { path: string }) => e.path)).toEqual(["reason"]);
  const unknown = await post(`/v1/gifts/${giftCharge}/project`, { project: "NOPE", reason: "erreur de saisie" });
  expect([unknown.status, unknown.body.errors]).toEqual([400, [{ path: "project", message: "projet inconnu : NOPE (créez-le dans « Projets et budgets »)" }]]);
  expect((await post(`/v1/gifts/${giftCharge}/project`, { project: "PLAIDOYER", reason: "x".repeat(5) }, "delegation")).status).toBe(403);
  expect((await post("/v1/gifts/ch_inconnu/project", { project: "PLAIDOYER", reason: "erreur de saisie" })).status).toBe(404);
  expect((await post(`/v1/gifts/${giftCharge}/project`, { project: "EDUCPOP", reason: "le même" })).status).toBe(409);

  const moved = await post(`/v1/gifts/${giftCharge}/project`, { project: "plaidoyer", reason: "La donatrice a écrit pour le plaidoyer" });
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  expect(moved.body.project).toEqual({ code: "PLAIDOYER", name: "Plaidoyer" });
  expect(moved.body.history).toHaveLength(1);
  expect(moved.body.history[0]).toMatchObject({
    from: { code: "EDUCPOP" },
    to: { code: "PLAIDOYER" },
    amount: 10_000,
    fee,
    reason: "La donatrice a écrit pour le plaidoyer",
  });

  const res = await stack.call("GET", `/v1/ledger/entries?journal=OD&from=${today}&to=${today}&limit=500`, { role: "auditor" });
  const od = (
    (await res.json()) as { items: { pieceRef: string; label: string; lines: { account: string; debit: number; credit: number; project?: string }[] }[] }
  ).items.filter((e) => e.pieceRef === giftCharge);
  expect(od).toHaveLength(1);
  expect(od[0]!.label).toBe(`Réaffectation du don Aline Affectée (${giftCharge}) : Éducation populaire → Plaidoyer`);
  expect(od[0]!.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
    ["7541", 10_000, 0, "EDUCPOP"],
    ["7541", 0, 10_000, "PLAIDOYER"],
    ["627", fee, 0, "PLAIDOYER"],
    ["627", 0, fee, "EDUCPOP"],
  ]);
  const after = await figures();
  expect(of(after, "EDUCPOP").produits).toBe(of(before, "EDUCPOP").produits - 10_000);
  expect(of(after, "PLAIDOYER").produits).toBe(of(before, "PLAIDOYER").produits + 10_000);
  expect(of(after, "PLAIDOYER").charges).toBe(of(before, "PLAIDOYER").charges + fee);
  expect(after.total).toEqual(before.total);
  // The projects and the rest add up to the compte de résultat (the trial balance's 7541 and 627).
  const tb = await trialBalance(stack, year);
  expect(after.items.reduce((s, i) => s + i.actual.produits, 0) + after.unassigned.actual.produits).toBe(after.total.produits);
  expect(after.items.reduce((s, i) => s + i.actual.charges, 0) + after.unassigned.actual.charges).toBe(after.total.charges);
  expect(after.total.produits).toBe(-(tb["7541"] ?? 0));
  expect(after.total.charges).toBe(tb["627"] ?? 0);

  // The list filters by project; byProject totals the year.
  const list = async (q: string) =>
    (await (await stack.call("GET", `/v1/gifts?year=${year}${q}`)).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
      byProject: { project: { code: string } | null; kept: number }[];
    };
  expect((await list("&project=PLAIDOYER")).items.map((g) => g.id)).toEqual([giftCharge]);
  expect((await list("&project=EDUCPOP")).items).toEqual([]);
  expect((await list("")).byProject.find((t) => t.project?.code === "PLAIDOYER")?.kept).toBe(10_000);
  // Paged (bug: the year's gifts came in one answer, which a large year would push past the 6 MB a Lambda may answer):
  // one gift a page gives them all once, newest first, each page with the whole year's byProject.
  const all = await list("");
  expect(all.nextCursor).toBeNull();
  expect(all.items.length).toBeGreaterThan(1);
  const paged: string[] = [];
  for (let cursor: string | null = "", n = 0; cursor !== null && n < 50; n++) {
    const page = await list(`&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(page.items.length).toBe(1);
    expect(page.byProject).toEqual(all.byProject);
    paged.push(...page.items.map((g) => g.id));
    cursor = page.nextCursor;
  }
  expect(paged).toEqual(all.items.map((g) => g.id));
  const first = await list("&limit=1");
  const other = await stack.call("GET", `/v1/gifts?year=${year}&project=PLAIDOYER&cursor=${encodeURIComponent(first.nextCursor!)}`);
  expect(other.status).toBe(400);
  expect(((await other.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["cursor"]);
  // Bug: a cursor of one year sent with another gave an empty page, or the list from its top.
  const otherYear = await stack.call("GET", `/v1/gifts?year=${year - 1}&cursor=${encodeURIComponent(first.nextCursor!)}`);
  expect(otherYear.status).toBe(400);
  // One past the page's bound, and a cursor longer than any this API gives.
  const tooMany = await stack.call("GET", `/v1/gifts?year=${year}&limit=501`);
  expect(tooMany.status).toBe(400);
  expect(((await tooMany.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["limit"]);
  expect((await stack.call("GET", `/v1/gifts?year=${year}&cursor=${"a".repeat(4097)}`)).status).toBe(400);

  // Back to no project: the kept amount leaves PLAIDOYER for « Sans projet »; a refund then follows the gift where it is.
  expect((await post(`/v1/gifts/${giftCharge}/project`, { project: null, reason: "don non affecté finalement" })).status).toBe(200);
  const refund = await stripeApi(stack, "POST", "/v1/refunds", { charge: giftCharge, amount: "3000" });
  expect(refund.status).toBe("succeeded");
  const final = await figures();
  expect(of(final, "PLAIDOYER").produits).toBe(of(before, "PLAIDOYER").produits);
  expect(final.unassigned.actual.produits).toBe(before.unassigned.actual.produits + 10_000 - 3000);
  const again = await post(`/v1/gifts/${giftCharge}/project`, { project: "MILLIARD", reason: "le reste au milliard" });
  expect(again.body.history.at(-1)).toMatchObject({ from: null, to: { code: "MILLIARD" }, amount: 7000 });
  expect(of(await figures(), "MILLIARD").produits - of(final, "MILLIARD").produits).toBe(7000);
});

it("splits a gift 60/40 between two projects: the OD entry's lines per project to the cent, the figures, the list and byProject, a later refund and dispute split the same; a bad split is refused, nothing written", async () => {
  const { sessionId } = await checkout(
    stack,
    donation(9999, { project: "EDUCPOP", donor: { email: "partage@example.org", firstName: "Paul", lastName: "Partagé", address: ADDRESS } }),
  );
  await pay(stack, sessionId, at);
  const charge = (await chargeOf(stack, sessionId)).id;
  const fee = stripeFee(9999);
  const entries = async () => ((await (await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" })).json()) as { entries: number }).entries;
  const gift = async () =>
    ((await (await stack.call("GET", `/v1/gifts?year=${year}&limit=500`)).json()) as { items: Record<string, any>[] }).items.find((g) => g.id === charge)!;
  const paths = (b: Record<string, any>) => (b.errors as { path: string }[]).map((e) => e.path);

  // Refused, nothing written: a project and a split together, a share of 0 and a project twice and 90 %, one project only, an unknown project.
  const count = await entries();
  const both = await post(`/v1/gifts/${charge}/project`, {
    project: "MILLIARD",
    projects: [
      { projectId: "MILLIARD", share: 0.6 },
      { projectId: "PLAIDOYER", share: 0.4 },
    ],
    reason: "les deux à la fois",
  });
  expect([both.status, paths(both.body)]).toEqual([400, ["projects"]]);
  const bad = await post(`/v1/gifts/${charge}/project`, {
    projects: [
      { projectId: "MILLIARD", share: 0.6 },
      { projectId: "MILLIARD", share: 0 },
      { projectId: "PLAIDOYER", share: 0.3 },
    ],
    reason: "mauvaise répartition",
  });
  expect(bad.status).toBe(400);
  expect(bad.body.errors).toEqual([
    { path: "projects.1.share", message: "une part de plus de 0 %" },
    { path: "projects.1.projectId", message: "le projet MILLIARD figure deux fois dans la répartition" },
    { path: "projects", message: "les parts font 90 % au total, pas 100 %" },
  ]);
  const one = await post(`/v1/gifts/${charge}/project`, { projects: [{ projectId: "MILLIARD", share: 1 }], reason: "un seul projet" });
  expect([one.status, paths(one.body)]).toEqual([400, ["projects"]]);
  const unknown = await post(`/v1/gifts/${charge}/project`, {
    projects: [
      { projectId: "MILLIARD", share: 0.5 },
      { projectId: "NOPE", share: 0.5 },
    ],
    reason: "projet inconnu",
  });
  expect([unknown.status, unknown.body.errors]).toEqual([
    400,
    [{ path: "projects.1.projectId", message: "projet inconnu : NOPE (créez-le dans « Projets et budgets »)" }],
  ]);
  expect(await entries()).toBe(count);
  expect((await gift()).history).toEqual([]);
  expect((await gift()).project).toEqual({ code: "EDUCPOP", name: "Éducation populaire" });

  // 60 % to « Le milliard », 40 % to « Plaidoyer »: 9 999 cents are 5 999 + 4 000 (the cent left to the largest remainder).
  const before = await figures();
  const listBefore = (await (await stack.call("GET", `/v1/gifts?year=${year}`)).json()) as { byProject: { project: { code: string } | null; kept: number }[] };
  const split = await post(`/v1/gifts/${charge}/project`, {
    projects: [
      { projectId: "milliard", share: 0.6 },
      { projectId: "PLAIDOYER", share: 0.4 },
    ],
    reason: "Le donateur a demandé un partage",
  });
  expect(split.status, JSON.stringify(split.body)).toBe(200);
  expect(split.body.project).toBeNull();
  expect(split.body.projects).toEqual([
    { code: "MILLIARD", name: "Le milliard pour la transition", share: 0.6 },
    { code: "PLAIDOYER", name: "Plaidoyer", share: 0.4 },
  ]);
  expect(split.body.history[0]).toMatchObject({
    from: { code: "EDUCPOP" },
    to: null,
    fromProjects: null,
    toProjects: [
      { code: "MILLIARD", share: 0.6 },
      { code: "PLAIDOYER", share: 0.4 },
    ],
    amount: 9999,
    fee,
  });
  expect(await entries()).toBe(count + 1);
  // The donor's space says it too (bug: it named a project only when the gift had exactly one).
  const space = await stack.call("GET", "/v1/public/donor/space", {
    role: null,
    headers: { authorization: `Bearer ${signDonorToken("partage@example.org", Date.now() + 600_000)}` },
  });
  const mine = ((await space.json()) as { gifts: { reference: string; project?: unknown; projects?: unknown }[] }).gifts.find((g) => g.reference === charge);
  expect(mine?.project).toBeUndefined();
  expect(mine?.projects).toEqual([
    { code: "MILLIARD", name: "Le milliard pour la transition", share: 0.6 },
    { code: "PLAIDOYER", name: "Plaidoyer", share: 0.4 },
  ]);
  const od = (
    (await (await stack.call("GET", `/v1/ledger/entries?journal=OD&from=${today}&to=${today}&limit=500`, { role: "auditor" })).json()) as {
      items: { pieceRef: string; label: string; lines: { account: string; debit: number; credit: number; project?: string }[] }[];
    }
  ).items.filter((e) => e.pieceRef === charge);
  expect(od).toHaveLength(1);
  expect(od[0]!.label).toBe(`Réaffectation du don Paul Partagé (${charge}) : Éducation populaire → Le milliard pour la transition 60 % · Plaidoyer 40 %`);
  const feeMilliard = Math.round(fee * 0.6);
  expect(od[0]!.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
    ["7541", 9999, 0, "EDUCPOP"],
    ["7541", 0, 5999, "MILLIARD"],
    ["7541", 0, 4000, "PLAIDOYER"],
    ["627", feeMilliard, 0, "MILLIARD"],
    ["627", fee - feeMilliard, 0, "PLAIDOYER"],
    ["627", 0, fee, "EDUCPOP"],
  ]);
  const after = await figures();
  expect(of(after, "EDUCPOP").produits - of(before, "EDUCPOP").produits).toBe(-9999);
  expect(of(after, "MILLIARD").produits - of(before, "MILLIARD").produits).toBe(5999);
  expect(of(after, "PLAIDOYER").produits - of(before, "PLAIDOYER").produits).toBe(4000);
  expect(of(after, "MILLIARD").charges - of(before, "MILLIARD").charges).toBe(feeMilliard);
  expect(of(after, "PLAIDOYER").charges - of(before, "PLAIDOYER").charges).toBe(fee - feeMilliard);
  expect(after.total).toEqual(before.total);

  // The list: under each of its projects, not under the old one; byProject by share, adding up to the gift's kept amount.
  const list = async (q: string) =>
    (await (await stack.call("GET", `/v1/gifts?year=${year}&limit=500${q}`)).json()) as {
      items: { id: string; kept: number }[];
      byProject: { project: { code: string } | null; count: number; kept: number }[];
    };
  for (const code of ["MILLIARD", "PLAIDOYER"]) expect((await list(`&project=${code}`)).items.map((g) => g.id)).toContain(charge);
  expect((await list("&project=EDUCPOP")).items.map((g) => g.id)).not.toContain(charge);
  expect((await list("&project=none")).items.map((g) => g.id)).not.toContain(charge);
  const all = await list("");
  const kept = (l: { byProject: { project: { code: string } | null; kept: number }[] }, code: string) =>
    l.byProject.find((t) => t.project?.code === code)?.kept ?? 0;
  expect(kept(all, "EDUCPOP") - kept(listBefore, "EDUCPOP")).toBe(-9999);
  expect(kept(all, "MILLIARD") - kept(listBefore, "MILLIARD")).toBe(5999);
  expect(kept(all, "PLAIDOYER") - kept(listBefore, "PLAIDOYER")).toBe(4000);
  expect(all.byProject.reduce((s, t) => s + t.kept, 0)).toBe(all.items.reduce((s, g) => s + g.kept, 0));

  // A refund after the split follows it: the 7 998 cents kept are 4 799 + 3 199 by share, so 2 001 cents leave as 1 200 + 801.
  const refund = await stripeApi(stack, "POST", "/v1/refunds", { charge, amount: "2001" });
  expect(refund.status).toBe("succeeded");
  const booked = (await stripeEntries(stack, today, today)).find((e) => e.pieceRef === refund.id)!;
  expect(booked.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
    ["7541", 1200, 0, "MILLIARD"],
    ["7541", 801, 0, "PLAIDOYER"],
    ["4671", 0, 2001, null],
  ]);
  const final = await figures();
  expect(of(final, "MILLIARD").produits - of(after, "MILLIARD").produits).toBe(-1200);
  expect(of(final, "PLAIDOYER").produits - of(after, "PLAIDOYER").produits).toBe(-801);
  expect(of(final, "EDUCPOP").produits).toBe(of(after, "EDUCPOP").produits);
  const last = await list("");
  expect(last.byProject.reduce((s, t) => s + t.kept, 0)).toBe(last.items.reduce((s, g) => s + g.kept, 0));
  expect(kept(last, "MILLIARD") - kept(listBefore, "MILLIARD")).toBe(4799);
  expect(kept(last, "PLAIDOYER") - kept(listBefore, "PLAIDOYER")).toBe(3199);
  // The same split again is refused (409), nothing written.
  const again = await post(`/v1/gifts/${charge}/project`, {
    projects: [
      { projectId: "PLAIDOYER", share: 0.4 },
      { projectId: "MILLIARD", share: 0.6 },
    ],
    reason: "la même répartition",
  });
  expect(again.status).toBe(409);
  // Back to one project: each project gives back exactly what it holds of the gift (the figures as before the split).
  const back = await post(`/v1/gifts/${charge}/project`, { project: "EDUCPOP", reason: "retour au projet choisi" });
  expect(back.status, JSON.stringify(back.body)).toBe(200);
  expect(back.body.history[1]).toMatchObject({
    from: null,
    fromProjects: [{ code: "MILLIARD" }, { code: "PLAIDOYER" }],
    to: { code: "EDUCPOP" },
    toProjects: null,
    amount: 7998,
  });
  const home = await figures();
  for (const code of ["MILLIARD", "PLAIDOYER"]) expect(of(home, code)).toEqual(of(before, code));
  expect(of(home, "EDUCPOP").produits).toBe(of(before, "EDUCPOP").produits - 2001);

  // A dispute on a split gift: what each project holds leaves it (1 667 + 1 666 of 3 333), the dispute fee split by share; won, it comes back.
  const second = await checkout(
    stack,
    donation(3333, { donor: { email: "litige.partage@example.org", firstName: "Lise", lastName: "Litige", address: ADDRESS } }),
  );
  await pay(stack, second.sessionId, at);
  const disputed = (await chargeOf(stack, second.sessionId)).id;
  const halves = await post(`/v1/gifts/${disputed}/project`, {
    projects: [
      { projectId: "MILLIARD", share: 0.5 },
      { projectId: "PLAIDOYER", share: 0.5 },
    ],
    reason: "moitié-moitié",
  });
  expect(halves.status, JSON.stringify(halves.body)).toBe(200);
  const split2 = await figures();
  const dp = await dev(stack, `/__dev/charges/${disputed}/dispute`, { at });
  const withdrawal = (await stripeEntries(stack, today, today)).find((e) => e.pieceRef === dp.id)!;
  expect(withdrawal.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
    ["7541", 1667, 0, "MILLIARD"],
    ["7541", 1666, 0, "PLAIDOYER"],
    ["4671", 0, 3333, null],
    ["627", 750, 0, "MILLIARD"],
    ["627", 750, 0, "PLAIDOYER"],
    ["4671", 0, 1500, null],
  ]);
  await dev(stack, `/__dev/disputes/${dp.id as string}/close`, { status: "won", at });
  const won = await figures();
  for (const code of ["MILLIARD", "PLAIDOYER"]) {
    expect(of(won, code).produits).toBe(of(split2, code).produits);
    expect(of(won, code).charges - of(split2, code).charges).toBe(750);
  }
});
