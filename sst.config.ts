import type { SSTConfig } from "sst";
import { BackOffice } from "./stacks/sst.js";

export default {
  config() {
    return { name: "asso-back-office", region: "eu-west-3" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({ runtime: "nodejs22.x", architecture: "arm_64" });
    app.stack(BackOffice);
  },
} satisfies SSTConfig;
