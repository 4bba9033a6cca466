/** Rapport annuel: shown once its routes are in the table (see main.ts). */
import { html, Page } from "../ui.js";

export function Report() {
  return html`<${Page} title="Rapport annuel"><p>Écran en préparation.</p><//>`;
}
