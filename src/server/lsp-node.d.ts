declare module 'vscode-languageserver/node' {
  export * from 'vscode-languageserver/lib/node/main';
}
