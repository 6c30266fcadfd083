// A static look at a processor's source, without running it: which contract functions it exports.
// Used to list candidate processors (the extension's quick pick) before any user code runs.

const EXPORT_FORMS = (name: string) => [
  new RegExp(`export\\s+(?:async\\s+)?(?:function\\*?|const|let|var)\\s+${name}\\b`),
  new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`),
  new RegExp(`(?:module\\.)?exports\\.${name}\\s*=`),
  new RegExp(`module\\.exports\\s*=\\s*\\{[^}]*\\b${name}\\b`),
];

function exportsName(source: string, name: string): boolean {
  return EXPORT_FORMS(name).some((pattern) => pattern.test(source));
}

export function scanProcessorSource(source: string): {
  processRow: boolean;
  processChunk: boolean;
  combine: boolean;
  setup: boolean;
} {
  return {
    processRow: exportsName(source, 'processRow'),
    processChunk: exportsName(source, 'processChunk'),
    combine: exportsName(source, 'combine'),
    setup: exportsName(source, 'setup'),
  };
}
