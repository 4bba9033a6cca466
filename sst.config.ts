import type { SSTConfig } from "sst";
import { BackOffice } from "./stacks/sst.js";

export default {
  config() {
    return { name: "asso-back-office", region: "eu-west-3" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({ runtime: "nodejs22.x", architecture: "arm_64" });
    // The edge firewall's web ACL lives in us-east-1 (stacks/constructs/firewall.ts): its ARN is a cross-region reference.
    app.stack(BackOffice, { crossRegionReferences: true });
  },
} satisfies SSTConfig;
