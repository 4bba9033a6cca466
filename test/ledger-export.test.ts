/**
 * Issue 12, exports at AWS scale: a large export runs as a job that streams the file to S3 (the real
 * local S3, s3rver) by multipart upload, answered 202 then fetched through a presigned link.
 */
import { createHash } from "node:crypto";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getObject, uploadStream } from "@asso/core/files";
import { runExportJob, startExportJob } from "@asso/core/ledger";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkFec } from "./support/fec-check.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
  for (const [date, amount] of [
    ["2024-01-15", 2000],
    ["2024-02-01", 150000],
    ["2024-03-03", 4999],
  ] as const) {
    const res = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "BQ",
        date,
        label: `Opération ${date}`,
        pieceRef: `P-${date}`,
        lines: [
          { account: "512", debit: amount },
          { account: "7541", credit: amount, aux: { number: "D-1", label: "Donatrice" } },
        ],
      },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => stack.close());

interface Job {
  id: string;
  status: string;
  url?: string;
  fileName?: string;
  bytes?: number;
}
const direct = async (year: number, format: string) => {
  const res = await stack.call("GET", `/v1/ledger/export?year=${year}&format=${format}`, { role: "auditor" });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};
async function waitDone(id: string): Promise<Job> {
  for (let i = 0; i < 200; i++) {
    const res = await stack.call("GET", `/v1/ledger/exports/${id}`, { role: "auditor" });
    expect(res.status).toBe(200);
    const job = (await res.json()) as Job;
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the export job did not finish");
}

describe("export jobs", () => {
  for (const format of ["fec", "csv"] as const)
    it(`?async=true answers 202 { id, status }, then a presigned link to the same ${format} file as the direct answer`, async () => {
      const res = await stack.call("GET", `/v1/ledger/export?year=2024&format=${format}&async=true`, { role: "auditor" });
      expect(res.status).toBe(202);
      const started = (await res.json()) as Job;
      expect(started).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: "pending" });
      expect(res.headers.get("location")).toBe(`/v1/ledger/exports/${started.id}`);

      const job = await waitDone(started.id);
      expect(job.status).toBe("done");
      expect(job.fileName).toBe(format === "fec" ? `${SIREN}FEC20241231.txt` : "ecritures-2024.csv");
      const file = await fetch(job.url!);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-disposition")).toContain(job.fileName!);
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.equals(await direct(2024, format))).toBe(true);
      expect(job.bytes).toBe(bytes.length);
      if (format === "csv") expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      if (format === "fec") expect(checkFec(job.fileName!, bytes.toString("utf8"), SIREN, 2024).problems).toEqual([]);
    });

  for (const format of ["fec", "csv"] as const)
    it(`a ${format} asked in ISO-8859-15 as a job is written in ISO-8859-15, not UTF-8 (the job dropped the encoding)`, async () => {
      const res = await stack.call("GET", `/v1/ledger/export?year=2024&format=${format}&encoding=iso-8859-15&async=true`, { role: "auditor" });
      expect(res.status).toBe(202);
      const job = await waitDone(((await res.json()) as Job).id);
      expect(job.status).toBe("done");
      const file = await fetch(job.url!);
      expect(file.status).toBe(200);
      const bytes = Buffer.from(await file.arrayBuffer());
      const direct = await stack.call("GET", `/v1/ledger/export?year=2024&format=${format}&encoding=iso-8859-15`, { role: "auditor" });
      expect(direct.status).toBe(200);
      expect(bytes.equals(Buffer.from(await direct.arrayBuffer()))).toBe(true);
      expect(bytes.includes(Buffer.from("Opération", "utf8"))).toBe(false);
      expect(bytes.includes(Buffer.from("Op\xe9ration", "latin1"))).toBe(true);
      expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
      expect(job.bytes).toBe(bytes.length);
      if (format === "fec") expect(checkFec(job.fileName!, new TextDecoder("iso-8859-15").decode(bytes), SIREN, 2024).problems).toEqual([]);
    });

  it("a year over 5 000 entries runs as a job without being asked", async () => {
    // The year's entry count is what decides; set it as the sequencer would have after 5 001 entries.
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: { pk: "LEDGER", sk: "YEAR#2024" },
        UpdateExpression: "SET entries = :n",
        ExpressionAttributeValues: { ":n": 5001 },
      }),
    );
    const res = await stack.call("GET", "/v1/ledger/export?year=2024&format=fec", { role: "auditor" });
    expect(res.status).toBe(202);
    const job = await waitDone(((await res.json()) as Job).id);
    expect(job.status).toBe("done");
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: { pk: "LEDGER", sk: "YEAR#2024" },
        UpdateExpression: "SET entries = :n",
        ExpressionAttributeValues: { ":n": 3 },
      }),
    );
    expect((await stack.call("GET", "/v1/ledger/export?year=2024&format=fec", { role: "auditor" })).status).toBe(200);
  });

  it("a job runs once, however many runners are handed it", async () => {
    const job = await startExportJob(stack.db, { year: 2024, format: "csv", siren: SIREN }, { dispatch: async () => undefined });
    const outcomes = await Promise.all([runExportJob(stack.db, job.id), runExportJob(stack.db, job.id), runExportJob(stack.db, job.id)]);
    expect(outcomes.filter((o) => o === "done")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "taken")).toHaveLength(2);
  });

  it("an unknown job is 404, a malformed id 400", async () => {
    expect((await stack.call("GET", "/v1/ledger/exports/5b0a3c2e-1111-4222-8333-444455556666", { role: "auditor" })).status).toBe(404);
    expect((await stack.call("GET", "/v1/ledger/exports/not-an-id", { role: "auditor" })).status).toBe(400);
  });
});

describe("streaming upload to S3", () => {
  it("sends a file larger than a part as a multipart upload, byte for byte, in parts of 5 MiB", async () => {
    const hash = createHash("sha256");
    async function* chunks() {
      for (let i = 0; i < 190; i++) {
        const chunk = `${String(i).padStart(6, "0")};${"é".repeat(32 * 1024)}\r\n`;
        hash.update(chunk);
        yield chunk;
      }
    }
    const { bytes, parts } = await uploadStream("exports/test/big.csv", chunks(), "text/csv", { partBytes: 5 * 1024 * 1024 });
    expect(parts).toBe(3);
    const stored = (await getObject("exports/test/big.csv"))!;
    expect(stored.length).toBe(bytes);
    expect(createHash("sha256").update(stored).digest("hex")).toBe(hash.digest("hex"));
  });
  it("a small file is a single PUT", async () => {
    const { parts } = await uploadStream(
      "exports/test/small.txt",
      (async function* () {
        yield "a";
        yield "b";
      })(),
      "text/plain",
    );
    expect(parts).toBe(1);
    expect((await getObject("exports/test/small.txt"))!.toString()).toBe("ab");
  });
  it("an upload that fails half-way leaves no file", async () => {
    async function* failing() {
      yield "x".repeat(6 * 1024 * 1024);
      throw new Error("the source broke");
    }
    await expect(uploadStream("exports/test/broken.txt", failing(), "text/plain", { partBytes: 5 * 1024 * 1024 })).rejects.toThrow("the source broke");
    expect(await getObject("exports/test/broken.txt")).toBeUndefined();
  });
});
