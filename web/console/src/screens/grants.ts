/** Financeurs et subventions: shown once its routes are in the table (see main.ts). */
import { html, Page } from "../ui.js";

export function Grants() {
  return html`<${Page} title="Financeurs et subventions"><p>Écran en préparation.</p><//>`;
}
