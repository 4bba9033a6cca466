/**
 * The demo association's settings, saved by `npm run dev` through the same routes as the console
 * (`GET /v1/settings`, then `PUT /v1/settings/{section}` with `If-Match`): the development values
 * the environment gives (demo identity, two bank accounts, three tiers), plus what a real
 * association would fill in (volunteers, e-mail sender, privacy contact, a main colour).
 */
type Json = Record<string, unknown>;

const EXTRA: Record<string, Json> = {
  identity: { creationDate: "2024-03-12", receiptsEnabled: true },
  look: { colour: "#1d4e89" },
  volunteers: {
    hourlyRate: 1_202,
    headcount: 110,
    method: "Heures déclarées chaque mois par les responsables d'activité, valorisées au SMIC horaire brut en vigueur le mois où elles ont été données",
  },
  giving: { projects: ["MILLIARD", "EDUCPOP"] },
  email: { senderName: "Association de démonstration", senderAddress: "dons@demo.example.org", replyTo: "tresorerie@demo.example.org" },
  privacy: { contactName: "Camille Démo", contactEmail: "rgpd@demo.example.org", policyUrl: "" },
};

/** Saves every section once (version 0 → 1); answers the sections saved. */
export async function seedSettings(api: string, token: string): Promise<string[]> {
  const headers = { authorization: `Bearer ${token}` };
  const res = await fetch(`${api}/v1/settings`, { headers });
  if (!res.ok) throw new Error(`demo: GET /v1/settings answered ${res.status}`);
  const { sections } = (await res.json()) as { sections: Record<string, { version: number; value: Json }> };
  const saved: string[] = [];
  for (const [name, { version, value }] of Object.entries(sections)) {
    if (version > 0) continue;
    const { logo: _logo, ...body } = { ...value, ...(EXTRA[name] ?? {}) } as Json;
    const put = await fetch(`${api}/v1/settings/${name}`, {
      method: "PUT",
      headers: { ...headers, "content-type": "application/json", "if-match": String(version) },
      body: JSON.stringify(body),
    });
    if (!put.ok) throw new Error(`demo: PUT /v1/settings/${name} answered ${put.status}: ${await put.text()}`);
    saved.push(name);
  }
  return saved;
}
