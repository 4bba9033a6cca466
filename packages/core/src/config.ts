/**
 * The association's settings, read from the environment once. Demo values stand in locally; the
 * stack sets the real ones.
 */
export interface AssociationConfig {
  name: string;
  siren: string;
  address: string;
}

/** Fiscal years are calendar years (the contract's default); another start month is not supported yet. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AssociationConfig {
  return {
    name: env.ASSO_NAME ?? "Association de démonstration",
    siren: env.ASSO_SIREN ?? "000000000",
    address: env.ASSO_ADDRESS ?? "1 rue de la Transition, 75011 Paris",
  };
}
