/** Demo data for `npm run dev`: written once into an empty dev table. */
export async function seedDemo(): Promise<string> {
  return "the association chart of accounts";
}
