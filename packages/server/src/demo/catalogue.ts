/**
 * The demo shop's catalogue, shared by the shop (the server injects it into the page) and by
 * `omotenashi demo simulate` (its shoppers browse the same products), so what the simulated
 * shoppers put in their carts is what a newcomer sees on the shelves.
 */
export type ProductKind = 'tea' | 'teapot' | 'bowl' | 'whisk' | 'cups';

export interface DemoProduct {
  /** The product id in tracking events, and the last segment of /demo/products/<slug>. */
  slug: string;
  name: string;
  /** Japanese name, shown under the English one. */
  jaName: string;
  category: 'Tea' | 'Tableware';
  kind: ProductKind;
  price: number;
  /** What the shelf card and the product page say. */
  summary: string;
  description: string;
  /** Colours of the drawing that stands in for a photo (no image files to ship). */
  colour: string;
  accent: string;
}

export const DEMO_CURRENCY = 'EUR';

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  {
    slug: 'sencha-asatsuyu', name: 'Sencha Asatsuyu', jaName: '煎茶 あさつゆ', category: 'Tea', kind: 'tea', price: 24,
    summary: 'Morning-dew sencha from Kagoshima, 100 g.',
    description: 'A sweet, round first-flush sencha with almost no bitterness. Brew at 70 °C for a minute; the leaves give three good infusions.',
    colour: '#7a9a4a', accent: '#d9e4c0',
  },
  {
    slug: 'gyokuro-yame', name: 'Gyokuro Yame', jaName: '玉露 八女', category: 'Tea', kind: 'tea', price: 38,
    summary: 'Shade-grown gyokuro from Yame, 50 g.',
    description: 'Three weeks in the shade make this tea deep and brothy. Use little water at 50 °C and take your time.',
    colour: '#4f7a3a', accent: '#cfe0b4',
  },
  {
    slug: 'matcha-uji', name: 'Ceremonial Matcha, Uji', jaName: '抹茶 宇治', category: 'Tea', kind: 'tea', price: 32,
    summary: 'Stone-ground matcha for usucha, 30 g tin.',
    description: 'Bright, creamy and gently bitter. Sift two scoops into a warm bowl and whisk with 70 ml of water at 80 °C.',
    colour: '#6b9a2e', accent: '#e3efc9',
  },
  {
    slug: 'hojicha-kaga', name: 'Kaga Bōcha Hojicha', jaName: '加賀棒ほうじ茶', category: 'Tea', kind: 'tea', price: 16,
    summary: 'Roasted stem tea from Kanazawa, 100 g.',
    description: 'Toasty and low in caffeine: the tea for the evening. Brew with boiling water for 30 seconds.',
    colour: '#9a5a32', accent: '#efd9c6',
  },
  {
    slug: 'genmaicha', name: 'Genmaicha', jaName: '玄米茶', category: 'Tea', kind: 'tea', price: 14,
    summary: 'Sencha with roasted rice, 150 g.',
    description: 'Nutty and comforting, the everyday tea of many Japanese homes. Brew at 85 °C for a minute.',
    colour: '#b08a3e', accent: '#f1e4c4',
  },
  {
    slug: 'kyusu-tokoname', name: 'Kyusu Teapot, Tokoname', jaName: '常滑焼 急須', category: 'Tableware', kind: 'teapot', price: 68,
    summary: 'Side-handled red-clay teapot, 300 ml.',
    description: 'Made in Tokoname from unglazed iron-rich clay that softens the tea. A fine built-in strainer keeps the leaves in.',
    colour: '#a4472c', accent: '#f0d2c4',
  },
  {
    slug: 'chawan-hagi', name: 'Matcha Bowl, Hagi Ware', jaName: '萩焼 抹茶碗', category: 'Tableware', kind: 'bowl', price: 54,
    summary: 'Hand-thrown chawan with a milky glaze.',
    description: 'Hagi glaze crazes and changes colour with every bowl of tea: "the seven transformations of Hagi".',
    colour: '#e2c6b4', accent: '#8d6e5d',
  },
  {
    slug: 'chasen', name: 'Chasen Bamboo Whisk', jaName: '茶筅', category: 'Tableware', kind: 'whisk', price: 22,
    summary: '80-tine whisk carved from one piece of bamboo.',
    description: 'Carved in Takayama, Nara. Soak it in warm water before whisking and let it dry on a stand.',
    colour: '#d8c08a', accent: '#f6ecd2',
  },
  {
    slug: 'yunomi-pair', name: 'Yunomi Cups, a Pair', jaName: '湯呑み 夫婦', category: 'Tableware', kind: 'cups', price: 36,
    summary: 'Two Mino-ware cups in indigo and white.',
    description: 'Tall cups that keep tea warm, glazed in indigo brushwork. One slightly larger than the other, as is the custom.',
    colour: '#2f4f7a', accent: '#d4dcea',
  },
];

export function demoProduct(slug: string): DemoProduct | undefined {
  return DEMO_PRODUCTS.find((p) => p.slug === slug);
}

/** A product as Segment's e-commerce spec names its fields (what the shop and the shoppers track). */
export function productProperties(p: DemoProduct, quantity = 1): Record<string, string | number> {
  return { product_id: p.slug, sku: p.slug, name: p.name, category: p.category, price: p.price, quantity, currency: DEMO_CURRENCY, url: `/demo/products/${p.slug}` };
}
