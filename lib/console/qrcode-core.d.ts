/**
 * The encoder alone of the `qrcode` package (its main module also loads the PNG and terminal
 * renderers, which a Lambda bundle does not need): the same `create` @types/qrcode types.
 */
declare module 'qrcode/lib/core/qrcode' {
  export { create } from 'qrcode';
}
