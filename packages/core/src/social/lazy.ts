/** The platforms' export files (CSV, XLSX, zip readers), loaded on first use: only the reports handler imports this door. */
type Imports = typeof import("./imports.js");

/** Reads a platform's export file and saves its months (the readers load on first use). */
export async function importSocialFile(...args: Parameters<Imports["importSocialFile"]>): ReturnType<Imports["importSocialFile"]> {
  return (await import("./imports.js")).importSocialFile(...args);
}
