/**
 * What a person reads when something goes wrong, in French, in one place: the API's problem types
 * (`/problems/<slug>`) and statuses, its field paths, the English details the domain still writes,
 * and the faults of the network. Each problem says what to do next. Pure (no browser): the console's
 * api.ts and ui.ts use it, the unit tests read it under Node.
 */
import { formatEuros } from "./money.js";

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export interface FrenchProblem {
  title: string;
  /** What happened, in French (omitted when only the title says it). */
  detail?: string;
  /** What to do next. */
  next: string;
  /** The bad fields, named as the form names them. */
  fields: { field: string; message: string }[];
  /** The original text, kept for whoever helps (a request id, an English detail). */
  technical?: string;
  /** A retry may work (network, server, rate limit, session renewed). */
  retryable: boolean;
}

/** Problem types and statuses, as the person reads them, with what to do next. */
const KINDS: Record<string, { title: string; next: string; retryable?: boolean }> = {
  validation: { title: "Saisie à corriger", next: "Corrigez les champs indiqués, puis enregistrez à nouveau." },
  unauthorized: { title: "Session terminée", next: "Reconnectez-vous : ce que vous avez saisi est conservé.", retryable: true },
  forbidden: { title: "Action réservée à un autre rôle", next: "Demandez au trésorier de la faire, ou connectez-vous avec le rôle qui le permet." },
  "not-found": { title: "Introuvable", next: "Rechargez la page : l'élément a peut-être été supprimé ou n'existe pas encore." },
  conflict: { title: "Opération impossible en l'état", next: "Rechargez la page pour voir l'état actuel, puis recommencez si besoin." },
  "precondition-failed": {
    title: "Modifié entre-temps",
    next: "Quelqu'un a modifié ces données pendant que vous les lisiez : rechargez la page, puis refaites votre modification.",
  },
  "payload-too-large": { title: "Fichier trop volumineux", next: "Choisissez un fichier plus petit (10 Mo au plus pour une facture), ou réduisez la photo." },
  "unsupported-media-type": { title: "Format non accepté", next: "Envoyez un PDF, un JPEG ou un PNG." },
  "retry-later": { title: "Pas encore prêt", next: "Réessayez dans quelques instants.", retryable: true },
  "too-many-requests": { title: "Trop de demandes à la fois", next: "Patientez quelques secondes, puis réessayez.", retryable: true },
  internal: {
    title: "Erreur du serveur",
    next: "Réessayez. Si cela se reproduit, transmettez la référence ci-dessous à la personne qui s'occupe de la console.",
    retryable: true,
  },
  network: {
    title: "Serveur injoignable",
    next: "Vérifiez la connexion à Internet (Wi-Fi, données mobiles), puis cliquez sur « Réessayer ». Rien n'a été enregistré en double.",
    retryable: true,
  },
};

const BY_STATUS: Record<number, string> = {
  400: "validation",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
  412: "precondition-failed",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "too-many-requests",
  503: "retry-later",
};

/** Field names of the API, as the forms label them. */
const FIELDS: Record<string, string> = {
  account: "Compte",
  amount: "Montant",
  date: "Date",
  supplier: "Fournisseur",
  label: "Libellé",
  pieceRef: "Pièce justificative",
  grantId: "Subvention",
  projectId: "Projet",
  project: "Projet",
  projects: "Répartition entre projets",
  split: "Répartition",
  share: "Part",
  paid: "Paiement",
  "paid.date": "Payée le",
  "paid.method": "Moyen de paiement",
  journal: "Journal",
  lines: "Lignes",
  debit: "Débit",
  credit: "Crédit",
  number: "Numéro de compte",
  year: "Exercice",
  from: "Du",
  to: "Au",
  cursor: "Page suivante",
  key: "Fichier envoyé",
  contentType: "Type de fichier",
  size: "Taille du fichier",
  installment: "Échéance",
  funderId: "Financeur",
  title: "Intitulé",
  reason: "Motif",
  endDate: "Date de fin",
  installments: "Échéancier",
  filedOn: "Date du dépôt",
  "(body)": "Contenu envoyé",
};

/** `lines.1.debit` → "Ligne 2 : Débit"; an unknown path stays as it is. */
export function fieldName(path: string): string {
  if (FIELDS[path]) return FIELDS[path];
  // `lines.0.split.1.projectId` → "Ligne 1 : Répartition, projet 2".
  const linePart = /^lines\.(\d+)\.split\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (linePart)
    return `Ligne ${Number(linePart[1]) + 1} : Répartition, projet ${Number(linePart[2]) + 1}${linePart[3] && linePart[3] !== "projectId" ? ` : ${FIELDS[linePart[3]] ?? linePart[3]}` : ""}`;
  const line = /^lines\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (line) return `Ligne ${Number(line[1]) + 1}${line[2] ? ` : ${FIELDS[line[2]] ?? line[2]}` : ""}`;
  const inst = /^installments\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (inst) return `Échéance ${Number(inst[1]) + 1}${inst[2] ? ` : ${FIELDS[inst[2]] ?? inst[2]}` : ""}`;
  // `projects.1.share` → "Projet 2 : Part" (`projects.1.projectId` → "Projet 2").
  const part = /^projects\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (part) return `Projet ${Number(part[1]) + 1}${part[2] && part[2] !== "projectId" ? ` : ${FIELDS[part[2]] ?? part[2]}` : ""}`;
  const last = path.split(".").pop() ?? path;
  return FIELDS[last] ?? path;
}

/** English sentences the domain writes, and their French (the first that matches wins). */
const SENTENCES: [RegExp, (m: RegExpExecArray) => string][] = [
  // Projects (issue 20): a project that is not in the registry.
  [/^unknown project (\S+)$/, (m) => `le projet ${m[1]} n'existe pas : choisissez-en un de la liste des projets`],
  // A split between projects (core projects/split.ts and schemas.ts, ledger/schemas.ts).
  [/^a split has at least one part$/, () => "une répartition compte au moins un projet"],
  [/^the parts are all shares or all amounts, not both$/, () => "les parts sont toutes en pourcentages ou toutes en montants, pas les deux"],
  [/^the shares add up to (-?[\d.]+) %, not 100 %$/, (m) => `les pourcentages font ${pct(m[1]!)} au total, pas 100 %`],
  [
    /^the parts add up to (-?\d+) cents, not the amount (-?\d+)$/,
    (m) => `les montants des projets font ${formatEuros(Number(m[1]))} au total, pas le montant de la ligne (${formatEuros(Number(m[2]))})`,
  ],
  [/^project (\S+) is named twice$/, (m) => `le projet ${m[1]} est nommé deux fois`],
  [/^a line has a project or a split, not both$/, () => "une ligne a un projet ou une répartition entre projets, pas les deux"],
  [/^a part has exactly one of share or amount$/, () => "une part a soit un pourcentage, soit un montant"],
  [/^must be greater than 0$/, () => "doit être supérieur à 0"],
  [/^must not be over 1 \(100 %\)$/, () => "ne peut pas dépasser 100 %"],
  [/^at most four decimals \(0,01 %\)$/, () => "au plus deux décimales (0,01 %)"],
  [/^must be 2 to 20 letters, digits, '-' or '_'$/, () => "un code de projet a 2 à 20 lettres, chiffres, « - » ou « _ »"],
  // Budget lines (core projects/schemas.ts, budgets.ts).
  [/^must be a whole number of cents$/, () => "un nombre entier de centimes"],
  [/^must not be negative$/, () => "ne peut pas être négatif"],
  [
    /^account (\S+?)(?: of project (\S+))? is already on line (\d+)$/,
    (m) => `le compte ${m[1]}${m[2] ? ` du projet ${m[2]}` : ""} figure déjà à la ligne ${m[3]}`,
  ],
  [
    /^account (\S+) is not a charge, a produit or a contribution en nature/,
    (m) => `le compte ${m[1]} n'est ni une charge, ni un produit, ni une contribution en nature (classes 6, 7, 86, 87)`,
  ],
  [/^unknown account (\S+)$/, (m) => `le compte ${m[1]} n'existe pas dans le plan comptable`],
  // The year end and the chart (issue 19): dates too far ahead, accounts opened, the result allocated.
  [
    /^must be in the fiscal year (\d{4}) at the latest \(the one after the current year\): (\S+) is too far ahead$/,
    (m) => `la date ${frDate(m[2]!)} est trop loin : une écriture se date au plus tard dans l'exercice ${m[1]} (le suivant de l'exercice en cours)`,
  ],
  [
    /^must extend an existing account \(6226 → 62261\) or be an account of the association chart/,
    () => "ce numéro n'est ni un compte du plan comptable des associations (ANC 2018-06), ni un sous-compte d'un compte existant (6226 → 62261)",
  ],
  [/^must be 3 to 10 digits/, () => "un numéro de compte a 3 à 10 chiffres"],
  [
    /^must be in the fiscal year (\d{4}) \(the allocation is written/,
    (m) => `l'affectation se date dans l'exercice ${m[1]}, celui qui suit l'exercice clôturé`,
  ],
  [/^must be 110, 119 or a reserve account 106/, () => "choisissez le report à nouveau (110 ou 119) ou un compte de réserves (106…)"],
  [/^each account appears once$/, () => "chaque compte n'apparaît qu'une fois"],
  [/^say why the warning is accepted$/, () => "dites en quelques mots pourquoi ce point est accepté"],
  [/^(\S+) is not a charge account \(class 6\) of the chart$/, (m) => `${m[1]} n'est pas un compte de charge du plan comptable : choisissez-le dans la liste.`],
  [/^is not an accepted field$/, () => "n'est pas un champ attendu"],
  [/^the file is empty$/, () => "le fichier est vide"],
  [/^is not an upload key given for this expense$/, () => "ce fichier n'a pas été envoyé pour cette dépense"],
  [/^the uploaded file is (\d+) bytes, not the (\d+)/, () => "le fichier reçu n'a pas la taille annoncée : envoyez-le à nouveau"],
  [/^class (\d) does not exist in the association chart/, (m) => `la classe ${m[1]} n'existe pas dans le plan comptable (classes 1 à 8)`],
  [/^journal (\w+) is written by the year closing only$/, (m) => `le journal ${m[1]} est réservé à la clôture`],
  [/^must not be after `to`$/, () => "doit précéder la date de fin"],
  [/^(belongs to another year or account|was given for other filters)$/, () => "ne correspond plus aux filtres : rechargez la liste"],
  [/^the grant has (\d+) installment/, (m) => `la subvention a ${m[1]} échéance(s)`],
  [
    /^a grant has a project \(projectId\) or a split \(projects\), not both$/,
    () => "une subvention a un seul projet ou une répartition entre projets, pas les deux",
  ],
  [/^a grant split has 2 to 10 projects/, () => "une répartition compte de 2 à 10 projets (pour un seul projet, choisissez-le dans « Projet »)"],
  [/^The file is (\d+) bytes; the limit is (\d+)\.$/, (m) => `Le fichier fait ${mb(Number(m[1]))} ; la limite est de ${mb(Number(m[2]))}.`],
  [/^The body is (\d+) bytes; the limit is (\d+)\.$/, (m) => `L'envoi fait ${mb(Number(m[1]))} ; la limite est de ${mb(Number(m[2]))}.`],
  [/^An invoice is a PDF, JPEG or PNG file/, () => "Une facture est un fichier PDF, JPEG ou PNG (le contenu de ce fichier ne l'est pas)."],
  [/^Expense \S+ already has its invoice/, () => "Cette dépense a déjà sa facture : un justificatif enregistré n'est pas remplacé."],
  [/^Expense \S+ has no invoice file\.$/, () => "Cette dépense n'a pas encore de facture jointe."],
  [
    /^No (expense|entry|grant|funder|export) \S+\.$/,
    (m) =>
      `${{ expense: "Cette dépense", entry: "Cette écriture", grant: "Cette subvention", funder: "Ce financeur", export: "Cet export" }[m[1]!]} est introuvable.`,
  ],
  [/^Nothing was uploaded at /, () => "Aucun fichier n'a été reçu : envoyez-le à nouveau."],
  [/^This Idempotency-Key was already used/, () => "Cette demande a déjà servi pour une autre saisie : rechargez la page, puis recommencez."],
  [/^Account (\S+) already exists/, (m) => `Le compte ${m[1]} existe déjà.`],
  [
    /^The fiscal year (\d+) ends on (\S+): it may be closed only once that day has passed\.$/,
    (m) => `L'exercice ${m[1]} se termine le ${frDate(m[2]!)} : il ne peut être clôturé qu'après cette date.`,
  ],
  [/^The fiscal year (\d+) is already closed\.$/, (m) => `L'exercice ${m[1]} est déjà clôturé.`],
  [/^Close (.+) first: an earlier year with entries is still open\.$/, (m) => `Clôturez d'abord ${m[1]} : un exercice antérieur est encore ouvert.`],
  [
    /^The fiscal year (\d+) is closed( or being closed)?: no entry may be dated in it\.$/,
    (m) => `L'exercice ${m[1]} est clôturé : aucune écriture ne peut y être datée. Datez-la dans l'exercice ouvert.`,
  ],
  [/^Entry (\S+) is already reversed\.$/, () => "Cette écriture est déjà extournée."],
  [
    /^Entry \S+ was written by (.+?) with records of its own .*; it is corrected there, not reversed by hand\.$/,
    (m) => `Cette écriture vient ${OWNERS[m[1]!] ?? "d'un autre écran"}, qui tient ses propres suivis : corrigez-la depuis cet écran, pas par une extourne.`,
  ],
  [/^Entry \S+ belongs to the year closing/, () => "Cette écriture fait partie de la clôture : elle ne s'extourne pas à la main."],
  [/^Entry \S+ is not validated/, () => "Seule une écriture validée peut être extournée."],
  [/^Over-payment of installment (\d+): (.+) is due on it, (.+) was given\.$/, (m) => `L'échéance ${m[1]} attend ${m[2]} : ${m[3]} dépasse ce montant.`],
  [/^This route needs one of the roles/, () => "Votre rôle ne permet pas cette action."],
  // Grant corrections (issue 19).
  [
    /^(.+) was already received: the grant cannot be brought down to (.+)\.$/,
    (m) => `${m[1]} ont déjà été reçus : la subvention ne peut pas être ramenée à ${m[2]}.`,
  ],
  [
    /^Only (.+) of this grant is unspent \(recognised (.+), spent (.+), already repaid (.+)\): (.+) cannot be given back\.$/,
    (m) =>
      `Il ne reste que ${m[1]} non dépensés sur cette subvention (produit ${m[2]}, dépensé ${m[3]}, déjà remboursé ${m[4]}) : ${m[5]} ne peuvent pas être rendus.`,
  ],
  [
    /^Only (.+) was received from the funder and not given back: (.+) cannot be repaid/,
    (m) =>
      `Seuls ${m[1]} ont été reçus du financeur et pas encore rendus : ${m[2]} ne peuvent pas être remboursés. Réduisez plutôt la subvention par un avenant.`,
  ],
  [
    /^Only a restricted grant carries unspent funds/,
    () => "Seule une subvention affectée par le financeur (fonds dédiés) a des fonds non dépensés à rendre : corrigez celle-ci par un avenant.",
  ],
  [
    /^The grant was cancelled on (\d{4}-\d{2}-\d{2})/,
    (m) => `Cette subvention a été annulée le ${frDate(m[1]!)} : elle n'attend plus de versement et ne se corrige plus.`,
  ],
  [
    /^Post the fonds dédiés of (\d{4}) first: what this grant carries into (\d{4})/,
    (m) => `Comptabilisez d'abord les fonds dédiés ${m[1]} : ce que la subvention reporte sur ${m[2]} n'est pas encore dans les comptes.`,
  ],
  [/^must not be before the grant's start, (\S+)$/, (m) => `ne peut pas précéder le début de la subvention (${frDate(m[1]!)})`],
  [
    /^the grant was signed on (\S+): a (correction|repayment) cannot come before it$/,
    (m) => `la subvention a été signée le ${frDate(m[1]!)} : la date ne peut pas la précéder`,
  ],
  [/^an amendment changes the amount, the installments or the end date$/, () => "un avenant change le montant, l'échéancier ou la date de fin"],
  [/^the installments add up to (\d+), not the amount (\d+)$/, () => "les échéances n'atteignent pas le montant accordé"],
  // The art. 222 bis declaration (issue 19 item 8): its refusals, with the dates in French.
  [
    /^La période (\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2}) n'est pas terminée/,
    (m) => `La période du ${frDate(m[1]!)} au ${frDate(m[2]!)} n'est pas terminée : la déclaration se dépose après sa fin.`,
  ],
  [
    /^La date de dépôt (\S+) doit suivre la fin de la période \((\S+)\)/,
    (m) => `La date du dépôt (${frDate(m[1]!)}) doit être postérieure à la fin de la période (${frDate(m[2]!)}) et ne pas dépasser aujourd'hui.`,
  ],
  [
    /^La déclaration (\d{4}) est déjà enregistrée comme déposée le (\S+) :/,
    (m) => `La déclaration ${m[1]} est déjà enregistrée comme déposée le ${frDate(m[2]!)} : ses chiffres restent ceux déposés.`,
  ],
  // The hash chain's check (GET /v1/ledger/integrity): why an entry breaks it.
  [/^expected position (\d+), found (\S+)$/, (m) => `elle devrait être la n° ${m[1]} de la chaîne, elle porte le n° ${m[2]}`],
  [/^does not link to the previous entry's hash$/, () => "elle ne porte pas l'empreinte de l'écriture précédente"],
  [/^its content does not match its hash$/, () => "son contenu ne correspond plus à son empreinte (elle a été modifiée)"],
  [/^the chain has (\d+) entries, the head says (\d+)$/, (m) => `la chaîne compte ${m[1]} écritures, son dernier maillon en annonce ${m[2]}`],
  [/^the last entry's hash is not the head's$/, () => "la dernière écriture ne correspond pas au dernier maillon enregistré"],
  [/^A bearer token is required\.$/, () => "Vous n'êtes plus connecté."],
];

const OWNERS: Record<string, string> = {
  "the grants and expenses": "des subventions et dépenses (écran « Financeurs et subventions » ou « Dépenses »)",
  "the Stripe bookings": "des paiements en ligne (écran « Dons et adhésions »)",
  "the bank reconciliation": "du rapprochement bancaire (écran « Banque et rapprochement »)",
};
/** "62.5" (the API's percentage) → "62,5 %". */
const pct = (n: string) => `${Number(n).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;
const frDate = (iso: string) => iso.replace(/^(\d{4})-(\d{2})-(\d{2})$/, "$3/$2/$1");

/** Words that give away an English sentence the table above does not know. */
const ENGLISH = /\b(the|is|are|was|were|not|no|of|and|must|may|already|this|there|with|has|have|first|only|an?)\b/i;

/** A sentence in French: the known English ones translated; an unknown English one undefined. */
export function frenchSentence(text: string | undefined): string | undefined {
  if (!text) return undefined;
  for (const [re, fr] of SENTENCES) {
    const m = re.exec(text);
    if (m) return fr(m);
  }
  return ENGLISH.test(text) && !/[àâçéèêëîïôûùüÿœ]/i.test(text) ? undefined : text;
}

const slugOf = (p: Problem): string => {
  const fromType = p.type?.replace(/^.*\/problems\//, "");
  if (fromType && KINDS[fromType]) return fromType;
  if (p.status >= 500) return "internal";
  return BY_STATUS[p.status] ?? (p.status >= 400 ? "conflict" : "internal");
};

/** An answer of the API, in French, with what to do next. */
export function frenchProblem(p: Problem): FrenchProblem {
  const slug = slugOf(p);
  const kind = KINDS[slug]!;
  const fields = (p.errors ?? []).map((e) => ({ field: fieldName(e.path), message: frenchSentence(e.message) ?? "valeur refusée" }));
  const request = /request (\S+?) to/.exec(p.detail ?? "")?.[1];
  // The count of bad fields ("2 champs à corriger") is already said by the list itself.
  const said = slug === "validation" && /champs? à corriger/.test(p.detail ?? "");
  const detail = slug === "internal" ? undefined : said ? undefined : frenchSentence(p.detail);
  const technical = request ? `Référence : ${request}` : p.detail && !detail && !said ? p.detail : undefined;
  return { title: kind.title, detail, next: kind.next, fields, technical, retryable: !!kind.retryable };
}

/** A fetch that never got an answer (offline, DNS, the server down). */
export function networkProblem(online: boolean): FrenchProblem {
  return {
    title: online ? KINDS.network!.title : "Vous êtes hors ligne",
    next: KINDS.network!.next,
    fields: [],
    retryable: true,
  };
}
