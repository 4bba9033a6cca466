/**
 * The console's words and rules that need no browser: the API's problems in French with what to do
 * next, the fiscal year of a date, accounts found by their names, the supplier's usual account,
 * duplicates.
 */
import { describe, expect, it } from "vitest";
import { LineInput } from "@asso/core/ledger";
import { BudgetInput, ProjectSplit, SplitPart, splitFaults } from "@asso/core/projects";
import { fieldName, frenchProblem, frenchSentence } from "../web/console/src/problems.js";
import { duplicatesOf, fiscalYearEnd, fiscalYearOf, searchAccounts, stripePiece, usualAccount } from "../web/console/src/query.js";

describe("problems in French", () => {
  it("names the problem, the bad fields as the form labels them, and what to do next", () => {
    const p = frenchProblem({
      type: "/problems/validation",
      title: "Invalid request",
      status: 400,
      detail: "2 champs à corriger",
      errors: [
        { path: "account", message: "6236 is not a charge account (class 6) of the chart" },
        { path: "lines.1.debit", message: "un montant positif" },
      ],
    });
    expect(p.title).toBe("Saisie à corriger");
    expect(p.fields).toEqual([
      { field: "Compte", message: "6236 n'est pas un compte de charge du plan comptable : choisissez-le dans la liste." },
      { field: "Ligne 2 : Débit", message: "un montant positif" },
    ]);
    expect(p.next).toMatch(/Corrigez/);
    expect(p.retryable).toBe(false);
  });

  it("bug: 'Entry … is corrected there' showed through in English on a reversal refused", () => {
    const p = frenchProblem({
      type: "/problems/conflict",
      title: "Conflict",
      status: 409,
      detail:
        "Entry 01J was written by the grants and expenses with records of its own (totals, fonds dédiés, lettrage); it is corrected there, not reversed by hand.",
    });
    expect(p.detail).toMatch(/^Cette écriture vient des subventions et dépenses/);
    expect(JSON.stringify(p)).not.toMatch(/corrected there/);
  });

  it("keeps an unknown English detail out of the message, as a technical detail; a 500 gives its request id and may be retried", () => {
    const unknown = frenchProblem({ title: "Conflict", status: 409, detail: "The grant is not in a state that allows this." });
    expect(unknown.detail).toBeUndefined();
    expect(unknown.technical).toBe("The grant is not in a state that allows this.");
    const internal = frenchProblem({
      type: "/problems/internal",
      title: "Internal error",
      status: 500,
      detail: "Something went wrong; quote request abc-1 to the maintainers.",
    });
    expect(internal).toMatchObject({ title: "Erreur du serveur", technical: "Référence : abc-1", retryable: true });
    expect(internal.detail).toBeUndefined();
  });

  it("leaves French as it is and names unknown paths by their last part", () => {
    expect(frenchSentence("L'IBAN n'est pas valide")).toBe("L'IBAN n'est pas valide");
    expect(fieldName("paid.date")).toBe("Payée le");
    expect(fieldName("installments.0.amount")).toBe("Échéance 1 : Montant");
  });

  it("names a part of a line's split between projects (the API names it lines.0.split.1.projectId)", () => {
    expect(fieldName("lines.0.split.1.projectId")).toBe("Ligne 1 : Répartition, projet 2");
    expect(fieldName("lines.2.split.0.share")).toBe("Ligne 3 : Répartition, projet 1 : Part");
    expect(fieldName("lines.1.split")).toBe("Ligne 2 : Répartition");
  });

  /** The messages a schema gives for `input`, as the API sends them in `errors[].message`. */
  const messages = (schema: { safeParse: (x: unknown) => { success: boolean; error?: { issues: { message: string }[] } } }, input: unknown) =>
    schema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
  const bare = (s: string | undefined) => (s ?? "").replace(/[\u00a0\u202f]/g, " ");

  it("bug: a split's or a budget line's refusal showed « valeur refusée » or English — each reads in French", () => {
    const cases: [string, string][] = [
      [splitFaults(1000, [])[0]!.message, "une répartition compte au moins un projet"],
      [
        splitFaults(1000, [
          { projectId: "A", share: 0.5 },
          { projectId: "B", amount: 500 },
        ])[0]!.message,
        "les parts sont toutes en pourcentages ou toutes en montants, pas les deux",
      ],
      [
        splitFaults(1000, [
          { projectId: "A", share: 0.625 },
          { projectId: "B", share: 0.3 },
        ])[0]!.message,
        "les pourcentages font 92,5 % au total, pas 100 %",
      ],
      [
        splitFaults(1000, [
          { projectId: "A", amount: 600 },
          { projectId: "B", amount: 300 },
        ])[0]!.message,
        "les montants des projets font 9,00 € au total, pas le montant de la ligne (10,00 €)",
      ],
      [
        splitFaults(1000, [
          { projectId: "A", amount: 500 },
          { projectId: "A", amount: 500 },
        ])[0]!.message,
        "le projet A est nommé deux fois",
      ],
      [
        messages(LineInput, { account: "606", debit: 1000, project: "AB", split: [{ projectId: "CD", amount: 1000 }] })[0]!,
        "une ligne a un projet ou une répartition entre projets, pas les deux",
      ],
      [messages(SplitPart, { projectId: "AB" })[0]!, "une part a soit un pourcentage, soit un montant"],
      [messages(SplitPart, { projectId: "AB", share: 0 })[0]!, "doit être supérieur à 0"],
      [messages(SplitPart, { projectId: "AB", share: 1.5 })[0]!, "ne peut pas dépasser 100 %"],
      [messages(SplitPart, { projectId: "AB", share: 0.12345 })[0]!, "au plus deux décimales (0,01 %)"],
      [messages(SplitPart, { projectId: "AB", amount: 10.5 })[0]!, "un nombre entier de centimes"],
      [messages(SplitPart, { projectId: "A", amount: 100 })[0]!, "un code de projet a 2 à 20 lettres, chiffres, « - » ou « _ »"],
      [
        messages(ProjectSplit, [
          { projectId: "AB", amount: 100 },
          { projectId: "AB", amount: 100 },
        ])[0]!,
        "le projet AB est nommé deux fois",
      ],
      [messages(BudgetInput, { lines: [{ account: "606", amount: 12.5 }] })[0]!, "un nombre entier de centimes"],
      [messages(BudgetInput, { lines: [{ account: "606", amount: -100 }] })[0]!, "ne peut pas être négatif"],
      [
        messages(BudgetInput, {
          lines: [
            { account: "606", project: "ECOLE", amount: 100 },
            { account: "606", project: "ECOLE", amount: 200 },
          ],
        })[0]!,
        "le compte 606 du projet ECOLE figure déjà à la ligne 1",
      ],
      [
        messages(BudgetInput, {
          lines: [
            { account: "606", amount: 100 },
            { account: "606", amount: 200 },
          ],
        })[0]!,
        "le compte 606 figure déjà à la ligne 1",
      ],
    ];
    for (const [english, french] of cases) {
      expect(english, french).toBeTruthy();
      expect(bare(frenchSentence(english)), english).toBe(french);
    }
    // Through frenchProblem, as the form shows it: the field named and the sentence in French, never « valeur refusée ».
    const p = frenchProblem({
      type: "/problems/validation",
      title: "Validation failed",
      status: 400,
      errors: [
        { path: "lines.0.split", message: "a line has a project or a split, not both" },
        { path: "lines.1.split.0.amount", message: "must be a whole number of cents" },
      ],
    });
    expect(p.fields).toEqual([
      { field: "Ligne 1 : Répartition", message: "une ligne a un projet ou une répartition entre projets, pas les deux" },
      { field: "Ligne 2 : Répartition, projet 1 : Montant", message: "un nombre entier de centimes" },
    ]);
  });
});

describe("the fiscal year", () => {
  it("is named after the calendar year of its first day", () => {
    expect(fiscalYearOf("2026-12-02", 1)).toBe(2026);
    expect(fiscalYearOf("2026-08-31", 9)).toBe(2025);
    expect(fiscalYearOf("2026-09-01", 9)).toBe(2026);
    expect(fiscalYearEnd(2026, 1)).toBe("2026-12-31");
    expect(fiscalYearEnd(2025, 9)).toBe("2026-08-31");
    expect(fiscalYearEnd(2023, 3)).toBe("2024-02-29");
  });
});

describe("accounts by their names", () => {
  const chart = [
    { number: "6064", label: "Fournitures administratives" },
    { number: "6226", label: "Honoraires" },
    { number: "626", label: "Frais postaux et de télécommunications" },
    { number: "627", label: "Services bancaires et assimilés" },
  ];
  it("finds by words of the label (accents ignored), everyday words or the number's start, the most used first", () => {
    expect(searchAccounts(chart, "hono").map((a) => a.number)).toEqual(["6226"]);
    expect(searchAccounts(chart, "télécom").map((a) => a.number)).toEqual(["626"]);
    expect(searchAccounts(chart, "frais bancaires").map((a) => a.number)).toEqual(["627"]);
    expect(searchAccounts(chart, "62").map((a) => a.number)).toEqual(["6226", "626", "627"]);
    expect(searchAccounts(chart, "", { "627": 5, "6226": 9 }).map((a) => a.number)).toEqual(["6226", "627", "6064", "626"]);
  });

  it("remembers a supplier's usual account and finds the same invoice twice", () => {
    const past = [
      { supplier: "Cabinet Martin", account: "6226", date: "2026-01-10", amount: 48000 },
      { supplier: "cabinet  martin ", account: "6226", date: "2026-03-10", amount: 12000 },
      { supplier: "Cabinet Martin", account: "622", date: "2026-05-10", amount: 9000 },
    ];
    expect(usualAccount(past, "CABINET MARTIN")).toBe("6226");
    expect(usualAccount(past, "Autre")).toBeUndefined();
    expect(duplicatesOf(past, { supplier: "Cabinet Martin", amount: 48000, date: "2026-01-10" })).toHaveLength(1);
    expect(duplicatesOf(past, { supplier: "Cabinet Martin", amount: 48000, date: "2026-01-11" })).toHaveLength(0);
    expect(duplicatesOf(past, { supplier: "Cabinet Martin", amount: null, date: "2026-01-10" })).toHaveLength(0);
  });
});

describe("the hash chain's check in French", () => {
  it("says why an entry breaks the chain", () => {
    expect(frenchSentence("its content does not match its hash")).toBe("son contenu ne correspond plus à son empreinte (elle a été modifiée)");
    expect(frenchSentence("expected position 4, found 6")).toBe("elle devrait être la n° 4 de la chaîne, elle porte le n° 6");
  });
});

describe("piece references", () => {
  it("a Stripe id is told as what it is; a piece a person wrote stays as written", () => {
    expect(stripePiece("ch_test_3QabcDEF123")).toBe("Paiement en ligne");
    expect(stripePiece("po_1PqRsTuV")).toBe("Virement de Stripe");
    expect(stripePiece("F-2026-014")).toBeUndefined();
    expect(stripePiece("CM-2026-01")).toBeUndefined();
  });
});
