// vscode-languageserver 11 publishes `vscode-languageserver/node` through package.json "exports"
// only, which tsconfig's `"moduleResolution": "node"` does not read; esbuild does (the bundle
// resolves the real entry). This maps the types to the file that entry names.
declare module 'vscode-languageserver/node' {
  export * from 'vscode-languageserver/lib/node/main';
}
