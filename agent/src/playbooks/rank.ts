// Ranks playbooks for a prompt with BM25 over name, keywords, description (weighted by repetition) and body.
// Tokens are lowercased, stemmed lightly, stop words and words under three characters dropped.
import { STOP_WORDS } from "./stop-words.js";

/** A document to rank. */
export interface RankDocument {
  /** Identifier returned with the score. */
  id: string;
  name: string;
  keywords: readonly string[];
  description: string;
  body: string;
}

/** A document's score for one query. */
export interface RankedDocument {
  id: string;
  score: number;
}

export interface RankOptions {
  /** BM25 term-frequency saturation. Default 1.2. */
  k1?: number;
  /** BM25 length normalisation. Default 0.75. */
  b?: number;
}

// Title-like fields count several times: a word in the name says more than the same word in the body.
const WEIGHTS = { name: 3, keywords: 3, description: 2, body: 1 } as const;

/** Lowercased word stems of `text`, without stop words and words under three characters. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.filter((w) => w.length >= 3 && !STOP_WORDS.has(w)).map(stem);
}

/** A light suffix stripper: tests/testing/tested → test, debugging → debug, classes → class. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 4 && /(ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  if (w.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  return w;
}

function documentTokens(doc: RankDocument): string[] {
  const repeat = (text: string, times: number) => Array.from({ length: times }, () => tokenize(text)).flat();
  return [
    ...repeat(doc.name, WEIGHTS.name),
    ...repeat(doc.keywords.join(" "), WEIGHTS.keywords),
    ...repeat(doc.description, WEIGHTS.description),
    ...tokenize(doc.body),
  ];
}

/** Scores every document with a positive score for `query`, best first (ties by id). */
export function rankDocuments(
  query: string,
  docs: readonly RankDocument[],
  options: RankOptions = {},
): RankedDocument[] {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0 || docs.length === 0) return [];
  const tokenized = docs.map((doc) => {
    const counts = new Map<string, number>();
    const tokens = documentTokens(doc);
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    return { id: doc.id, counts, length: tokens.length };
  });
  const averageLength = tokenized.reduce((sum, d) => sum + d.length, 0) / tokenized.length || 1;
  const documentFrequency = new Map(terms.map((t) => [t, tokenized.filter((d) => d.counts.has(t)).length]));
  const n = tokenized.length;
  return tokenized
    .map((doc) => {
      let score = 0;
      for (const term of terms) {
        const tf = doc.counts.get(term) ?? 0;
        if (tf === 0) continue;
        const df = documentFrequency.get(term) ?? 0;
        // The "+1" form keeps idf positive in a small corpus where a word is in most documents.
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / averageLength));
      }
      return { id: doc.id, score };
    })
    .filter((r) => r.score > 0)
    .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
}
