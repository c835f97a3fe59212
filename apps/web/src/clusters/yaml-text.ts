/**
 * Block-style YAML for plain JSON values (objects, arrays, strings, numbers, booleans, null): the preview of
 * what a policy form sends. The browser bundle carries no YAML library for this one writer; the server parses
 * what it receives with a full one. Any string YAML might read as something else (a number, a boolean, "",
 * "*", "a: b") is written as a JSON string, which YAML reads back verbatim.
 */
export function toYaml(value: unknown): string {
  if (isCollection(value) && !isEmpty(value)) return `${lines(value, "").join("\n")}\n`;
  return `${scalar(value)}\n`;
}

type Collection = Record<string, unknown> | unknown[];

const isCollection = (v: unknown): v is Collection => typeof v === "object" && v !== null;
const isEmpty = (v: Collection) => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

// YAML 1.1 readers (still common) take these words as booleans or null.
const reserved = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
// Starts like an identifier or path; quantities such as 500m or 4Gi are allowed, hex and exponents are not.
const safe = /^([A-Za-z_/][A-Za-z0-9_./-]*|[0-9]+(\.[0-9]+)?[A-Za-z]+)$/;
const numberLike = /^(0[xo]|[0-9.]+[eE][-+]?[0-9])/;

export function yamlString(s: string): string {
  return safe.test(s) && !reserved.test(s) && !numberLike.test(s) ? s : JSON.stringify(s);
}

function scalar(v: unknown): string {
  if (typeof v === "string") return yamlString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "[]"; // only empty collections reach here
  return "{}";
}

function lines(v: Collection, pad: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (!isCollection(item) || isEmpty(item)) return [`${pad}- ${scalar(item)}`];
      if (Array.isArray(item)) return [`${pad}-`, ...lines(item, `${pad}  `)];
      // A mapping in a list starts on the dash line: "- key: value", the rest aligned under "key".
      const [first = "", ...rest] = lines(item, `${pad}  `);
      return [`${pad}- ${first.slice(pad.length + 2)}`, ...rest];
    });
  }
  return Object.entries(v).flatMap(([k, item]) => {
    if (item === undefined) return []; // as JSON.stringify leaves it out
    const key = yamlString(k);
    if (!isCollection(item) || isEmpty(item)) return [`${pad}${key}: ${scalar(item)}`];
    return [`${pad}${key}:`, ...lines(item, `${pad}  `)];
  });
}
