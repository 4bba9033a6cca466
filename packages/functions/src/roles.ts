/** The staff roles, carried in the JWT's `cognito:groups` claim. */
export const ROLES = ["tresorier", "delegation", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  subject: string;
  roles: Role[];
}

/**
 * Reads the groups claim as API Gateway hands it. The HTTP API JWT authorizer flattens an array
 * claim into the string "[a b]"; a raw JSON array or a comma list are accepted too.
 */
export function parseGroups(claim: unknown): Role[] {
  let names: string[] = [];
  if (Array.isArray(claim)) names = claim.map(String);
  else if (typeof claim === "string") {
    const s = claim.trim();
    if (s.startsWith("[") && s.includes('"')) {
      try {
        names = (JSON.parse(s) as unknown[]).map(String);
      } catch {
        names = [];
      }
    } else names = s.replace(/^\[|\]$/g, "").split(/[\s,]+/);
  }
  return names.filter((n): n is Role => (ROLES as readonly string[]).includes(n));
}
