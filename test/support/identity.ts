/** A complete association identity: a non-dev stage does not synthesize without one (stack-hardening.test.ts). */
export const IDENTITY = {
  ASSO_NAME: "Les Amis du Canal",
  ASSO_ADDRESS: "3 quai de Valmy, 75010 Paris",
  ASSO_OBJECT: "Faire vivre les berges du canal",
  ASSO_SIREN: "912345678",
  ASSO_SIGNATORY_NAME: "Camille Martin",
  ASSO_SIGNATORY_QUALITY: "Trésorière",
};
