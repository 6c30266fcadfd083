// The engine's vocabulary: plain JSON-serialisable types, no Node or DOM. Faces and the webview
// import them from here (through src/engine/index.ts for faces).
export * from './common';
export * from './run';
export * from './processor';
export * from './sweep';
export * from './profile';
