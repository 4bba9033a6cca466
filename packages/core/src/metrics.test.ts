import { describe, expect, it } from "vitest";
import { emfLine, METRICS, metricNamespace } from "./metrics.js";

describe("the back-office's metrics", () => {
  it("an EMF line names the stage's namespace, the metric and its value, at the given time", () => {
    const line = JSON.parse(emfLine("prod", METRICS.checkoutPaid, new Date("2026-03-01T10:00:00Z")));
    expect(line._aws.Timestamp).toBe(Date.parse("2026-03-01T10:00:00Z"));
    expect(line._aws.CloudWatchMetrics).toEqual([{ Namespace: "AssoBackOffice/prod", Dimensions: [[]], Metrics: [{ Name: "CheckoutPaid", Unit: "Count" }] }]);
    expect(line.CheckoutPaid).toBe(1);
    expect(metricNamespace("dev")).not.toBe(metricNamespace("prod"));
  });
});
