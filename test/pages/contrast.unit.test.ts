import { contrastRatio, relativeLuminance, textColorOn } from '../../lib/pages/contrast';

describe('relativeLuminance (WCAG 2.2)', () => {
  it.each([
    ['#000000', 0],
    ['#ffffff', 1],
    ['#FFFFFF', 1],
    // 0x80 = 128: ((128/255 + 0.055) / 1.055) ** 2.4
    ['#808080', 0.2158605],
    ['#ff0000', 0.2126],
    ['#00ff00', 0.7152],
    ['#0000ff', 0.0722],
  ])('%s is %d', (hex, luminance) => {
    expect(relativeLuminance(hex)).toBeCloseTo(luminance, 6);
  });
});

describe('contrastRatio', () => {
  it('is 21 for black on white, 1 for a colour on itself, either way round', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 6);
    expect(contrastRatio('#2563eb', '#2563eb')).toBe(1);
  });
});

describe('textColorOn', () => {
  it.each([
    ['#2563eb', '#ffffff'], // Handshake's own blue
    ['#0a7c5a', '#ffffff'],
    ['#000000', '#ffffff'],
    ['#b91c1c', '#ffffff'],
    ['#f5b700', '#000000'], // amber
    ['#ffffff', '#000000'],
    ['#7fdbff', '#000000'],
    ['#808080', '#000000'], // mid grey: 5.3 against black, 3.9 against white
  ])('on %s is %s', (background, text) => {
    expect(textColorOn(background)).toBe(text);
  });

  it('always picks the colour with the higher contrast, which is at least 4.5:1 for every colour', () => {
    for (let value = 0; value <= 0xffffff; value += 0x0f0f0f) {
      const background = `#${value.toString(16).padStart(6, '0')}`;
      const chosen = textColorOn(background);
      const other = chosen === '#000000' ? '#ffffff' : '#000000';
      expect(contrastRatio(background, chosen)).toBeGreaterThanOrEqual(contrastRatio(background, other));
      expect(contrastRatio(background, chosen)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
