/**
 * The 2024 foundation money and purchases of the demo books, booked through the grants domain as
 * the trésorier would: funders by kind, conventions recognised at signature, installments received,
 * freelancers' invoices as expenses with their suppliers (one with its invoice file), then the
 * 2024 fonds dédiés. The December 2024 convention (Fondation Crédit Coopératif, popular education)
 * is 2024 income, its money arriving in January 2025.
 *
 * With the ledger entries of demo.ts (gifts, fees, salaries), 2024 keeps the activity report's
 * shape: individual gifts 22 600 € of 289 600 € income (7.8 %), other purchases and external
 * charges (604–628) 179 180 € of 289 000 € charges (62 %), income ≈ charges.
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Db } from "@asso/core";
import { createExpense, type ExpenseInput, uploadInvoice } from "@asso/core/spending";
import { createFunder, createGrant, type GrantInput, postDedicatedFunds } from "@asso/core/grants";
import { recordGrantPayment } from "@asso/core/workflows";

const eur = (euros: number) => euros * 100;

/** A one-page invoice PDF, so the demo has a file to download and check. */
async function invoicePdf(lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((text, i) => page.drawText(text, { x: 60, y: 760 - i * 22, size: i === 0 ? 16 : 11, font }));
  doc.setCreationDate(new Date("2024-10-31T10:00:00Z"));
  doc.setModificationDate(new Date("2024-10-31T10:00:00Z"));
  return Buffer.from(await doc.save());
}

export async function seedGrants2024(db: Db): Promise<void> {
  const grant = (
    funderId: string,
    g: Omit<GrantInput, "funderId" | "reportingDeadlines" | "documents"> & Partial<Pick<GrantInput, "reportingDeadlines" | "documents">>,
  ) => createGrant(db, { reportingDeadlines: [], documents: [], ...g, funderId });

  // Funders: the kind picks the accounts (7551 / 4687 / 195 for all four).
  const dissolved = await createFunder(db, { name: "Association Finance Citoyenne (dissoute)", kind: "association" });
  const fdf = await createFunder(db, { name: "Fondation de France", kind: "foundation" });
  const yesFutur = await createFunder(db, { name: "Fonds de dotation Yes Futur", kind: "endowment_fund" });
  const fcc = await createFunder(db, { name: "Fondation Crédit Coopératif", kind: "foundation" });

  const devolution = await grant(dissolved.id, {
    title: "Dévolution de l'actif",
    project: "Actif net de l'association dissoute, dévolu par son assemblée générale de dissolution",
    agreementDate: "2024-03-20",
    agreementRef: "DEV-2024-01",
    amount: eur(75_000),
    restricted: false,
    startDate: "2024-03-20",
    endDate: "2024-12-31",
    installments: [{ dueDate: "2024-03-20", amount: eur(75_000) }],
  });
  await recordGrantPayment(db, devolution.id, { date: "2024-03-20", amount: eur(75_000), label: "Dévolution de l'actif d'une association dissoute" });

  const programme = await grant(fdf.id, {
    title: "Programme 2024",
    project: "Mobiliser un milliard d'euros pour les organisations de la transition juste",
    agreementDate: "2024-04-10",
    agreementRef: "CONV-FDF-2024",
    projectId: "MILLIARD",
    amount: eur(100_000),
    restricted: true,
    startDate: "2024-04-01",
    endDate: "2024-12-31",
    installments: [{ dueDate: "2024-04-15", amount: eur(100_000) }],
    reportingDeadlines: [{ kind: "final", dueDate: "2025-03-31", label: "Rapport final et compte d'emploi" }],
    documents: [{ ref: "CONV-FDF-2024.pdf", label: "Convention signée" }],
  });
  await recordGrantPayment(db, programme.id, { date: "2024-04-15", amount: eur(100_000), label: "Fondation de France, programme 2024" });

  const yf = await grant(yesFutur.id, {
    title: "Soutien au fonctionnement 2024",
    agreementDate: "2024-06-03",
    agreementRef: "CONV-YF-2024",
    amount: eur(60_000),
    restricted: false,
    startDate: "2024-06-01",
    endDate: "2024-12-31",
    installments: [{ dueDate: "2024-06-03", amount: eur(60_000) }],
  });
  await recordGrantPayment(db, yf.id, { date: "2024-06-03", amount: eur(60_000), label: "Fonds de dotation Yes Futur" });

  // Signed in December 2024 for the autumn's popular-education programme: 2024 income; paid in January 2025.
  const education = await grant(fcc.id, {
    title: "Éducation populaire",
    project: "Masterclasses et vidéos d'éducation populaire à la finance solidaire",
    agreementDate: "2024-12-05",
    agreementRef: "CONV-EP-2024",
    projectId: "EDUCPOP",
    amount: eur(30_000),
    restricted: true,
    startDate: "2024-09-01",
    endDate: "2024-12-31",
    installments: [{ dueDate: "2025-01-10", amount: eur(30_000) }],
    reportingDeadlines: [{ kind: "final", dueDate: "2025-06-30" }],
    documents: [{ ref: "CONV-EP-2024.pdf", label: "Convention signée le 5 décembre 2024" }],
  });

  // Freelancers and suppliers: the purchases journal with the supplier as auxiliary account, paid by transfer.
  const expense = (input: Omit<ExpenseInput, "paid"> & { paidOn: string }) => {
    const { paidOn, ...rest } = input;
    return createExpense(db, { ...rest, paid: { date: paidOn, method: "bank" } });
  };
  const survey = await expense({
    date: "2024-10-31",
    supplier: "Claire Moreau, statisticienne",
    account: "604",
    amount: eur(25_000),
    label: "Statisticienne : enquête auprès de 1 130 épargnants",
    pieceRef: "F-STAT-2024",
    project: "MILLIARD",
    grantId: programme.id,
    paidOn: "2024-11-15",
  });
  await expense({
    date: "2024-11-30",
    supplier: "Julien Leroy, rédacteur",
    account: "6226",
    amount: eur(75_000),
    label: "Rédaction : recensement de 830 organisations",
    pieceRef: "F-JL-2024-11",
    project: "MILLIARD",
    grantId: programme.id,
    paidOn: "2024-12-20",
  });
  await expense({
    date: "2024-11-30",
    supplier: "Atelier Sillage, graphisme",
    account: "6226",
    amount: eur(25_000),
    label: "Graphisme et mise en page",
    pieceRef: "F-AS-2024-07",
    projects: [
      { projectId: "MILLIARD", share: 0.5 },
      { projectId: "PLAIDOYER", share: 0.5 },
    ],
    paidOn: "2024-12-20",
  });
  await expense({
    date: "2024-12-15",
    supplier: "Studio Horizon, vidéo",
    account: "623",
    amount: eur(30_000),
    label: "Vidéos des masterclasses d'éducation populaire",
    pieceRef: "F-SH-2024-12",
    project: "EDUCPOP",
    grantId: education.id,
    paidOn: "2024-12-20",
  });
  await expense({
    date: "2024-12-15",
    supplier: "Agence Relais, réseaux sociaux",
    account: "623",
    amount: eur(15_000),
    label: "Communication sur les réseaux sociaux",
    pieceRef: "F-AR-2024-12",
    project: "PLAIDOYER",
    paidOn: "2024-12-20",
  });
  await expense({
    date: "2024-12-31",
    supplier: "Bureaux Partagés Paris",
    account: "613",
    amount: eur(8_500),
    label: "Loyer et déplacements 2024",
    pieceRef: "F-DIV-2024",
    paidOn: "2024-12-31",
  });

  await uploadInvoice(
    db,
    survey.id,
    await invoicePdf([
      "Facture F-STAT-2024",
      "Claire Moreau, statisticienne",
      "Enquête auprès de 1 130 épargnants",
      "Montant : 25 000,00 EUR (TVA non applicable, art. 293 B du CGI)",
      "Date : 31 octobre 2024",
    ]),
  );

  // Both restricted grants were spent in full in 2024: the year end carries nothing, and says so.
  await postDedicatedFunds(db, 2024);
  await recordGrantPayment(db, education.id, { date: "2025-01-10", amount: eur(30_000), label: "Fondation Crédit Coopératif, éducation populaire" });
}
