import { create } from 'qrcode/lib/core/qrcode';
import { html, type SafeHtml } from '../pages/html';

/** Modules of quiet zone around the symbol, as the QR specification asks for. */
const QUIET = 4;

/**
 * A QR code of `text` as inline SVG: one path of unit squares, drawn by the server — no image
 * request, no script. Error correction M: a phone reads it from a screen at arm's length.
 */
export function qrSvg(text: string, label: string): SafeHtml {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const squares: string[] = [];
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      if (modules.get(row, col)) squares.push(`M${col + QUIET} ${row + QUIET}h1v1h-1z`);
    }
  }
  const side = size + 2 * QUIET;
  return html`<svg class="qr" data-testid="connect-link-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" role="img" aria-label="${label}" shape-rendering="crispEdges"><title>${label}</title><rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${squares.join('')}"/></svg>`;
}
