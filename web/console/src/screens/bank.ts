/** Banque et rapprochement: shown once its routes are in the table (see main.ts). */
import { html, Page } from "../ui.js";

export function Bank() {
  return html`<${Page} title="Banque et rapprochement"><p>Écran en préparation.</p><//>`;
}
