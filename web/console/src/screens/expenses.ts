/** Dépenses: shown once its routes are in the table (see main.ts). */
import { html, Page } from "../ui.js";

export function Expenses() {
  return html`<${Page} title="Dépenses"><p>Écran en préparation.</p><//>`;
}
