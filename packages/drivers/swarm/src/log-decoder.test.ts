import { describe, expect, it } from "vitest";
import { createFrameDecoder, createLineSplitter, parseLogLine } from "./log-decoder.js";

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

// The first frame of a real `GET /services/{id}/logs?timestamps=1&details=1` answer (Docker 20.10).
const recordedLine =
  "2026-11-23T21:59:38.053791516Z com.docker.swarm.node.id=916v0tboao1w4b54ej0dxseip,com.docker.swarm.service.id=g03tgb9rwv1miqgmyxctqyrll,com.docker.swarm.task.id=ki6rmws8phwoscy6kp0qn81k9 hello-102ebcf2d3e7\n";

describe("multiplexed log frames", () => {
  it("decodes stdout and stderr frames in one chunk", () => {
    const decoder = createFrameDecoder();
    const frames = decoder.push(Buffer.concat([frame(1, "out\n"), frame(2, "err\n")]));
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
      [1, "out\n"],
      [2, "err\n"],
    ]);
    expect(decoder.pending()).toBe(0);
  });

  it("reassembles frames cut anywhere, one byte at a time", () => {
    const bytes = Buffer.concat([frame(1, recordedLine), frame(2, "second\n"), frame(1, "")]);
    const decoder = createFrameDecoder();
    const frames = [];
    for (let i = 0; i < bytes.length; i++) frames.push(...decoder.push(bytes.subarray(i, i + 1)));
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
      [1, recordedLine],
      [2, "second\n"],
      [1, ""],
    ]);
  });

  it("keeps an incomplete frame until the rest arrives", () => {
    const decoder = createFrameDecoder();
    const bytes = frame(1, "hello\n");
    expect(decoder.push(bytes.subarray(0, 10))).toEqual([]);
    expect(decoder.pending()).toBe(10);
    expect(decoder.push(bytes.subarray(10)).map((f) => f.data.toString())).toEqual(["hello\n"]);
  });
});

describe("line splitting", () => {
  it("joins lines split over chunks, including a multi-byte character", () => {
    const splitter = createLineSplitter();
    const text = Buffer.from("grüße\r\nzwei\ndrei", "utf8");
    const cut = text.indexOf(0xc3) + 1; // inside "ü"
    expect(splitter.push(text.subarray(0, cut))).toEqual([]);
    expect(splitter.push(text.subarray(cut))).toEqual(["grüße", "zwei"]);
    expect(splitter.flush()).toEqual(["drei"]);
    expect(splitter.flush()).toEqual([]);
  });
});

describe("log line parsing", () => {
  it("reads time and swarm attributes off a recorded line", () => {
    const parsed = parseLogLine(recordedLine.trimEnd(), { timestamps: true, details: true });
    expect(parsed).toEqual({
      time: "2026-11-23T21:59:38.053791516Z",
      attrs: {
        "com.docker.swarm.node.id": "916v0tboao1w4b54ej0dxseip",
        "com.docker.swarm.service.id": "g03tgb9rwv1miqgmyxctqyrll",
        "com.docker.swarm.task.id": "ki6rmws8phwoscy6kp0qn81k9",
      },
      line: "hello-102ebcf2d3e7",
    });
  });

  it("handles an empty attribute set, escaped values and text with spaces", () => {
    expect(parseLogLine("2026-11-23T21:59:38Z  a b=c", { timestamps: true, details: true })).toEqual({ time: "2026-11-23T21:59:38Z", attrs: {}, line: "a b=c" });
    expect(parseLogLine("2026-11-23T21:59:38Z k=a%2Cb+c x", { timestamps: true, details: true }).attrs).toEqual({ k: "a,b c" });
    expect(parseLogLine("no time here", { timestamps: true, details: false })).toEqual({ time: null, attrs: {}, line: "no time here" });
  });
});
