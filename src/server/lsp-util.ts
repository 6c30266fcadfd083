// Small helpers every feature module shares: LSP enum values, offset ranges, and how a column
// name is written in code (a string literal's body, a bracket access).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';

export const SOURCE = 'chunkscope';
// LSP enum values (CompletionItemKind.Field, DiagnosticSeverity).
export const FIELD = 5;
export const ERROR = 1;
export const WARNING = 2;
export const INFORMATION = 3;

export const range = (doc: TextDocument, start: number, end: number): Range => ({
  start: doc.positionAt(start),
  end: doc.positionAt(end),
});

/** `name` as the text between `quote`s in a string literal. */
export function quoteFor(name: string, quote: string): string {
  if (quote === '`') return name.replace(/[`\\$]/g, (c) => `\\${c}`);
  // JSON escapes backslashes, control characters and double quotes.
  const body = JSON.stringify(name).slice(1, -1);
  return quote === "'" ? body.replace(/\\"/g, '"').replace(/'/g, "\\'") : body;
}

export const bracket = (name: string) => `[${JSON.stringify(name)}]`;

export const typesMode = (options: { types?: string }) => (options.types === 'infer' ? 'infer' : 'string');
