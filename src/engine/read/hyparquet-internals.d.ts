// hyparquet's page-level functions, exported by its package ("./src/*.js") with types under
// types/; the module resolution of this project does not map one to the other, so say it here.
declare module 'hyparquet/src/column.js' {
  export * from 'hyparquet/types/column';
}
declare module 'hyparquet/src/datapage.js' {
  export * from 'hyparquet/types/datapage';
}
declare module 'hyparquet/src/convert.js' {
  export * from 'hyparquet/types/convert';
}
declare module 'hyparquet/src/plain.js' {
  export * from 'hyparquet/types/plain';
}
declare module 'hyparquet/src/encoding.js' {
  export * from 'hyparquet/types/encoding';
}
