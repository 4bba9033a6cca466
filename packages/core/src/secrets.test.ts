import { describe, expect, it } from "vitest";
import { loadSecrets } from "./secrets.js";

describe("loadSecrets", () => {
  it("fills each setting from its *_ARN once, leaving set values alone", async () => {
    const env: Record<string, string | undefined> = { CURSOR_SECRET_ARN: "arn:cursor", ORIGIN_VERIFY_ARN: "arn:origin" };
    const asked: string[] = [];
    const read = async (arn: string) => {
      asked.push(arn);
      return `value-of-${arn}`;
    };
    await Promise.all([loadSecrets(env, read), loadSecrets(env, read)]);
    expect(env.CURSOR_SECRET).toBe("value-of-arn:cursor");
    expect(env.ORIGIN_VERIFY).toBe("value-of-arn:origin");
    expect(asked.sort()).toEqual(["arn:cursor", "arn:origin"]);
    await loadSecrets(env, read);
    expect(asked).toHaveLength(2);
  });
  it("reads nothing locally (no ARN)", async () => {
    const env: Record<string, string | undefined> = { CURSOR_SECRET: "local" };
    await loadSecrets(env, async () => {
      throw new Error("must not be called");
    });
    expect(env.CURSOR_SECRET).toBe("local");
  });
  it("an empty secret rejects, and the next call tries again", async () => {
    const env: Record<string, string | undefined> = { CURSOR_SECRET_ARN: "arn:c" };
    await expect(loadSecrets(env, async () => "")).rejects.toThrow(/CURSOR_SECRET/);
    await loadSecrets(env, async () => "now-set");
    expect(env.CURSOR_SECRET).toBe("now-set");
  });
});
