/**
 * The words the demo catalog is generated from. All brands, authors and titles are invented
 * for Tailor; any likeness to a real one is a coincidence.
 */

/** A kind of product within a category, e.g. wireless headphones. */
export interface ProductKind {
  /** Noun phrase in titles, e.g. "Wireless Headphones". */
  name: string;
  /** When given, titles are picked from here instead of brand + style + name (books). */
  titles?: readonly string[];
  /** Opening sentences; one starts each description. */
  pitches: readonly string[];
  /** Tags only this kind carries. */
  tags: readonly string[];
  /** Price range in EUR. */
  price: readonly [number, number];
  /** Attributes only this kind has (material of a sweater, size of boots). */
  attributes?: Readonly<Record<string, readonly string[]>>;
}

export interface CategoryVocabulary {
  name: string;
  /** Name of the attribute that holds the maker: "brand", or "publisher" for books. */
  makerAttribute: string;
  makers: readonly string[];
  /** Words put between maker and kind in titles, e.g. "Studio". */
  styles: readonly string[];
  kinds: readonly ProductKind[];
  /** Tags any item of the category may carry. */
  tags: readonly string[];
  /** Attributes any item of the category may have. */
  attributes: Readonly<Record<string, readonly string[]>>;
  /** Closing sentences true of any item of the category. */
  closers: readonly string[];
}

/**
 * Tags that cross categories, so that interest in "gift" or "eco-friendly" can carry a profile
 * from one shelf to another.
 */
export const SHARED_TAGS = {
  gift: 'gift',
  ecoFriendly: 'eco-friendly',
  premium: 'premium',
  budget: 'budget',
  handmade: 'handmade',
  bestseller: 'bestseller',
  newArrival: 'new-arrival',
} as const;

const colors = ['black', 'white', 'graphite', 'sand', 'sage green', 'navy', 'terracotta', 'oat'];

export const CATEGORIES: readonly CategoryVocabulary[] = [
  {
    name: 'electronics',
    makerAttribute: 'brand',
    makers: ['Voltra', 'Lumio', 'Nordhaven', 'Kestrel', 'Arcwave', 'Pixelmoor'],
    styles: ['Pro', 'Mini', 'Studio', 'Air', 'Go', 'Max'],
    kinds: [
      {
        name: 'Wireless Headphones',
        pitches: [
          'Over-ear wireless headphones with active noise cancelling and up to 30 hours of playback on a charge.',
          'Closed-back Bluetooth headphones with memory-foam cushions and a fold-flat design for travel.',
        ],
        tags: ['wireless', 'headphones', 'audio', 'bluetooth', 'noise-cancelling'],
        price: [59, 299],
        attributes: { connectivity: ['Bluetooth 5.3', 'Bluetooth 5.3 and 3.5 mm jack'] },
      },
      {
        name: 'Wireless Earbuds',
        pitches: [
          'Compact wireless earbuds with a pocket charging case, touch controls and a splash-resistant finish.',
          'In-ear earbuds that pair in a second and keep calls clear with two microphones per side.',
        ],
        tags: ['wireless', 'earbuds', 'audio', 'bluetooth'],
        price: [29, 199],
        attributes: { connectivity: ['Bluetooth 5.3'] },
      },
      {
        name: 'Bluetooth Speaker',
        pitches: [
          'A portable speaker with full, room-filling sound and a battery that lasts a weekend away.',
          'A rugged Bluetooth speaker, dust- and water-resistant, with a strap to hang it from a tent or a bike.',
        ],
        tags: ['speaker', 'audio', 'bluetooth', 'portable', 'wireless'],
        price: [25, 179],
        attributes: { connectivity: ['Bluetooth 5.3', 'Bluetooth 5.3 and Wi-Fi'] },
      },
      {
        name: 'Smartwatch',
        pitches: [
          'A slim smartwatch that tracks steps, sleep and heart rate and shows notifications at a glance.',
          'A fitness smartwatch with built-in GPS, dozens of workout modes and a bright always-on display.',
        ],
        tags: ['wearable', 'smartwatch', 'fitness', 'health'],
        price: [79, 349],
        attributes: { connectivity: ['Bluetooth 5.2', 'Bluetooth 5.2 and LTE'] },
      },
      {
        name: 'Mechanical Keyboard',
        pitches: [
          'A tenkeyless mechanical keyboard with hot-swappable switches and per-key backlighting.',
          'A compact mechanical keyboard with tactile switches, a detachable USB-C cable and an aluminium top plate.',
        ],
        tags: ['keyboard', 'computer', 'gaming', 'usb-c'],
        price: [49, 189],
        attributes: { connectivity: ['USB-C', 'Bluetooth 5.1 and USB-C', '2.4 GHz receiver'] },
      },
      {
        name: 'Wireless Mouse',
        pitches: [
          'An ergonomic wireless mouse with quiet clicks, adjustable sensitivity and months of battery life.',
        ],
        tags: ['mouse', 'computer', 'wireless', 'ergonomic'],
        price: [19, 89],
        attributes: { connectivity: ['Bluetooth 5.1', '2.4 GHz receiver'] },
      },
      {
        name: '4K Monitor',
        pitches: [
          'A 27-inch 4K monitor with accurate colour, thin bezels and a height-adjustable stand.',
          'A sharp 4K display with USB-C power delivery, so one cable connects and charges a laptop.',
        ],
        tags: ['monitor', 'display', '4k', 'computer'],
        price: [249, 699],
        attributes: { connectivity: ['USB-C and HDMI', 'HDMI and DisplayPort'] },
      },
      {
        name: 'Power Bank',
        pitches: [
          'A slim power bank that charges a phone several times over and tops up a laptop over USB-C.',
        ],
        tags: ['charging', 'portable', 'usb-c', 'travel'],
        price: [19, 79],
        attributes: { capacity: ['10,000 mAh', '20,000 mAh'] },
      },
      {
        name: 'Action Camera',
        pitches: [
          'A waterproof action camera that records stabilised 4K video on bikes, boards and trails.',
        ],
        tags: ['camera', '4k', 'video', 'waterproof'],
        price: [99, 399],
        attributes: { connectivity: ['Wi-Fi and Bluetooth'] },
      },
      {
        name: 'E-Reader',
        pitches: ['A glare-free e-reader with a warm front light and weeks of reading per charge.'],
        tags: ['e-reader', 'reading', 'portable'],
        price: [89, 229],
        attributes: { storage: ['8 GB', '16 GB', '32 GB'] },
      },
    ],
    tags: ['gadgets', 'tech', 'home-office'],
    attributes: {
      color: ['black', 'white', 'graphite', 'silver', 'midnight blue', 'sage green'],
      warranty: ['1 year', '2 years', '3 years'],
    },
    closers: [
      'A USB-C cable is included in the box.',
      'Firmware updates arrive through the companion app.',
      'It ships in recyclable, plastic-free packaging.',
    ],
  },
  {
    name: 'books',
    makerAttribute: 'publisher',
    makers: [
      'Harbourlight Press',
      'Quillstone Books',
      'Fernleaf Publishing',
      'Copperkettle Editions',
      'Northwind House',
    ],
    styles: [],
    kinds: [
      {
        name: 'Literary Novel',
        titles: [
          'The Silver Orchard',
          'A House by the Ferry',
          'The Quiet Harbour',
          'Letters to the Lighthouse',
          'The Clockmaker’s Daughters',
        ],
        pitches: [
          'A quiet, moving novel about a family that returns to the coastal town it left a generation ago.',
          'Three sisters inherit an orchard and a secret in this warm, slow-burning story.',
          'A retired ferryman writes letters to the wife he lost, and finds the town writing back.',
        ],
        tags: ['fiction', 'novel', 'literary-fiction'],
        price: [12, 26],
      },
      {
        name: 'Mystery',
        titles: [
          'The Winter Ledger',
          'Nine Keys to Marrow Island',
          'Death at the Paper Mill',
          'The Vanishing Cartographer',
          'A Lantern in the Fog',
        ],
        pitches: [
          'A detective with a failing memory has one last case to solve before the winter storms cut the island off.',
          'When a mapmaker disappears, her apprentice follows the errors she left on purpose in her last map.',
          'A small-town mystery full of red herrings, sharp dialogue and an ending few readers see coming.',
        ],
        tags: ['fiction', 'mystery', 'thriller', 'crime'],
        price: [10, 24],
      },
      {
        name: 'Science Fiction',
        titles: [
          'The Long Orbit',
          'Signal from the Ninth Moon',
          'Glass Cities',
          'The Last Relay Station',
          'Seedship',
        ],
        pitches: [
          'On a generation ship halfway to nowhere, an engineer finds a door that should not exist.',
          'A linguist is sent to decode a message from a moon that was empty a week ago.',
          'Big ideas and close friendships collide in a story about the last people tending a relay between stars.',
        ],
        tags: ['fiction', 'science-fiction', 'space'],
        price: [11, 25],
      },
      {
        name: 'Fantasy',
        titles: [
          'The Mapmaker’s Border',
          'Crown of Ash and Rain',
          'The River That Remembers',
          'Salt and Starlight',
          'The Ninth Bell',
        ],
        pitches: [
          'A mapmaker’s apprentice discovers that the borders she draws become real.',
          'An epic fantasy of rival river cities, old magic and an heir who never wanted a crown.',
        ],
        tags: ['fiction', 'fantasy', 'adventure'],
        price: [12, 28],
      },
      {
        name: 'Cookbook',
        titles: [
          'The Weeknight Kitchen',
          'Slow Sundays',
          'Fresh from the Market',
          'One Pan, Many Suppers',
          'Bread for Beginners',
        ],
        pitches: [
          'Over a hundred simple recipes for weeknight dinners, most of them on the table in thirty minutes.',
          'Seasonal recipes built around what the market has this week, with notes on swapping ingredients.',
          'A step-by-step guide to baking bread at home, from a first loaf to sourdough.',
        ],
        tags: ['non-fiction', 'cookbook', 'cooking', 'recipes'],
        price: [18, 39],
      },
      {
        name: 'Travel Guide',
        titles: [
          'Lisbon on Foot',
          'The Alps by Train',
          'Weekends on the Baltic Coast',
          'Islands of the North Sea',
          'Hidden Vienna',
        ],
        pitches: [
          'A practical guide with walking routes, maps and honest advice on where to eat and stay.',
          'Slow-travel itineraries for two days to two weeks, with tips for going without a car.',
        ],
        tags: ['non-fiction', 'travel', 'guide'],
        price: [14, 29],
      },
      {
        name: 'Popular Science',
        titles: [
          'How Rivers Think',
          'The Hidden Life of Soil',
          'A Short History of Light',
          'Why We Sleep Less',
          'The Clock in Every Cell',
        ],
        pitches: [
          'An accessible tour of the science behind everyday things, written for the curious rather than the expert.',
          'A biologist explains, with wit and clear diagrams, how living things keep time.',
        ],
        tags: ['non-fiction', 'science', 'education'],
        price: [15, 32],
      },
      {
        name: 'Picture Book',
        titles: [
          'Little Fox and the Dark',
          'The Cloud Who Lost Its Shape',
          'Grandpa’s Garden',
          'Ten Tiny Boats',
          'Hedgehog Goes to School',
        ],
        pitches: [
          'A gentle bedtime story about a small fox who is afraid of the dark, with soft watercolour pictures.',
          'A rhyming picture book for reading aloud, with a hidden detail to find on every page.',
        ],
        tags: ['children', 'picture-book', 'bedtime'],
        price: [8, 18],
      },
      {
        name: 'Self-Help',
        titles: [
          'Small Habits, Long Days',
          'The Calm Desk',
          'Saying No Kindly',
          'The Unhurried Morning',
          'Focus in a Noisy World',
        ],
        pitches: [
          'Practical, research-based habits for working with focus and ending the day with energy to spare.',
          'A short, friendly book on setting boundaries at work without burning bridges.',
        ],
        tags: ['non-fiction', 'self-help', 'productivity'],
        price: [12, 24],
      },
    ],
    tags: ['reading', 'book-club'],
    attributes: {
      author: [
        'Mara Ellison',
        'Tomas Reyne',
        'Ines Calloway',
        'Jonah Whitlock',
        'Priya Vantongeren',
        'Elsa Moravec',
        'Owen Hartsfield',
        'Lucia Brannock',
      ],
      format: ['Hardcover', 'Paperback', 'Audiobook'],
      pages: ['192 pages', '256 pages', '320 pages', '384 pages', '448 pages'],
      language: ['English'],
    },
    closers: [
      'A reading-group guide is included at the back.',
      'This edition comes with a new foreword by the author.',
    ],
  },
  {
    name: 'outdoor',
    makerAttribute: 'brand',
    makers: ['Trailcrest', 'Summitway', 'Fjellgear', 'Cobalt Ridge', 'Wildmere'],
    styles: ['Ultralight', 'Trek', 'Alpine', 'Basecamp', 'Explorer'],
    kinds: [
      {
        name: 'Hiking Daypack 30L',
        pitches: [
          'A 30-litre daypack with a ventilated back panel, hip-belt pockets and a built-in rain cover.',
          'A light, sturdy daypack with room for a day’s food, layers and a hydration bladder.',
        ],
        tags: ['hiking', 'backpack', 'trail'],
        price: [49, 159],
        attributes: { material: ['ripstop nylon', 'recycled polyester'] },
      },
      {
        name: 'Two-Person Tent',
        pitches: [
          'A freestanding two-person tent that pitches in minutes and stands firm in wind and rain.',
          'A roomy backpacking tent with two doors, two porches and a weight that will not slow you down.',
        ],
        tags: ['camping', 'tent', 'waterproof'],
        price: [129, 449],
        attributes: {
          material: ['ripstop nylon', 'recycled polyester'],
          season: ['3-season', '4-season'],
        },
      },
      {
        name: 'Sleeping Bag',
        pitches: [
          'A three-season sleeping bag rated to -5 °C that packs down smaller than a loaf of bread.',
          'A mummy-shaped sleeping bag with a draught collar and a two-way zip for warm nights.',
        ],
        tags: ['camping', 'sleeping-bag', 'ultralight'],
        price: [69, 289],
        attributes: { filling: ['responsibly sourced down', 'synthetic insulation'] },
      },
      {
        name: 'Trekking Poles',
        pitches: [
          'Collapsible trekking poles with cork grips and quick flick-locks that hold on steep descents.',
        ],
        tags: ['hiking', 'trekking', 'trail'],
        price: [29, 119],
        attributes: { material: ['aluminium', 'carbon fibre'] },
      },
      {
        name: 'Headlamp',
        pitches: [
          'A rechargeable headlamp with a 400-lumen beam and a red night mode that spares your night vision.',
        ],
        tags: ['camping', 'lighting', 'hiking'],
        price: [19, 69],
      },
      {
        name: 'Camping Stove',
        pitches: [
          'A compact gas stove that boils a litre of water in about four minutes and folds into its own pot.',
        ],
        tags: ['camping', 'cooking', 'ultralight'],
        price: [29, 99],
        attributes: { material: ['stainless steel', 'titanium'] },
      },
      {
        name: 'Insulated Bottle',
        pitches: [
          'A double-walled steel bottle that keeps drinks cold for a day and hot for twelve hours.',
        ],
        tags: ['hydration', 'hiking', 'reusable'],
        price: [19, 45],
        attributes: { capacity: ['500 ml', '750 ml', '1 l'] },
      },
      {
        name: 'Rain Jacket',
        pitches: [
          'A breathable, waterproof shell with taped seams, pit zips and a hood that fits over a helmet.',
          'A packable rain jacket that stuffs into its own pocket and weighs less than an apple.',
        ],
        tags: ['waterproof', 'jacket', 'hiking'],
        price: [89, 299],
        attributes: { size: ['S', 'M', 'L', 'XL'] },
      },
      {
        name: 'Camping Hammock',
        pitches: [
          'A lightweight hammock with tree-friendly straps that goes up in under two minutes.',
        ],
        tags: ['camping', 'hammock', 'ultralight'],
        price: [29, 89],
        attributes: { material: ['parachute nylon'] },
      },
    ],
    tags: ['outdoors', 'adventure'],
    attributes: {
      color: ['forest green', 'slate grey', 'burnt orange', 'navy', 'sand'],
      weight: ['180 g', '320 g', '450 g', '780 g', '1.2 kg', '1.9 kg'],
    },
    closers: [
      'Built to be repaired: spare parts are sold separately.',
      'Tested on long trails in every season before it reached the shelf.',
    ],
  },
  {
    name: 'kitchen',
    makerAttribute: 'brand',
    makers: ['Copperleaf', 'Hearthline', 'Mondo Cucina', 'Ashby & Vale', 'Kettleworks'],
    styles: ['Classic', 'Everyday', 'Artisan', 'Pro', 'Compact'],
    kinds: [
      {
        name: 'Cast Iron Skillet',
        pitches: [
          'A pre-seasoned cast iron skillet that sears, bakes and goes from the stove straight into the oven.',
          'A heavy 26 cm skillet that holds heat evenly and only gets better with use.',
        ],
        tags: ['cookware', 'cast-iron', 'cooking'],
        price: [29, 89],
        attributes: { material: ['cast iron', 'enamelled cast iron'] },
      },
      {
        name: 'Chef Knife',
        pitches: [
          'A 20 cm chef knife forged from a single piece of steel, balanced for long prep sessions.',
          'A razor-sharp chef knife with a comfortable handle and a blade that holds its edge.',
        ],
        tags: ['knives', 'cutlery', 'cooking'],
        price: [39, 189],
        attributes: {
          material: ['Damascus steel', 'German stainless steel'],
          handle: ['walnut', 'olive wood', 'black composite'],
        },
      },
      {
        name: 'Espresso Machine',
        pitches: [
          'A semi-automatic espresso machine with a steam wand for silky milk and a 15-bar pump.',
          'A compact espresso maker that heats up in under a minute and fits under any cupboard.',
        ],
        tags: ['coffee', 'espresso', 'appliance'],
        price: [149, 699],
      },
      {
        name: 'Stand Mixer',
        pitches: [
          'A stand mixer with a 5-litre bowl, ten speeds and hooks for dough, batter and cream.',
        ],
        tags: ['baking', 'appliance', 'mixer'],
        price: [179, 549],
        attributes: { capacity: ['4.5 l', '5 l', '6 l'] },
      },
      {
        name: 'Ceramic Cookware Set',
        pitches: [
          'A five-piece set of ceramic-coated pans and pots that need little oil and wipe clean.',
        ],
        tags: ['cookware', 'non-stick', 'cooking'],
        price: [99, 299],
        attributes: { material: ['ceramic-coated aluminium'] },
      },
      {
        name: 'Cutting Board',
        pitches: [
          'An end-grain cutting board that is kind to knife edges and has a juice groove around the rim.',
        ],
        tags: ['wood', 'prep', 'cutting-board'],
        price: [25, 95],
        attributes: { material: ['walnut', 'oak', 'bamboo', 'acacia'] },
      },
      {
        name: 'Electric Kettle',
        pitches: [
          'A 1.7-litre kettle with temperature presets for green tea, coffee and a rolling boil.',
        ],
        tags: ['tea', 'coffee', 'appliance'],
        price: [35, 129],
        attributes: { material: ['stainless steel', 'borosilicate glass'] },
      },
      {
        name: 'Pour-Over Coffee Set',
        pitches: [
          'A pour-over dripper, carafe and gooseneck kettle for a slow, clean cup of coffee.',
        ],
        tags: ['coffee', 'pour-over', 'brewing'],
        price: [29, 109],
        attributes: { material: ['borosilicate glass', 'stoneware'] },
      },
      {
        name: 'Dutch Oven',
        pitches: [
          'An enamelled Dutch oven for stews, braises and crusty no-knead bread.',
          'A heavy lidded pot that keeps a slow cook moist for hours in the oven.',
        ],
        tags: ['cookware', 'cast-iron', 'baking'],
        price: [69, 329],
        attributes: { capacity: ['3.8 l', '5.2 l', '6.7 l'] },
      },
      {
        name: 'High-Speed Blender',
        pitches: [
          'A high-speed blender that turns frozen fruit into smoothies and nuts into butter.',
        ],
        tags: ['appliance', 'smoothies', 'blender'],
        price: [69, 399],
        attributes: { capacity: ['1.5 l', '2 l'] },
      },
    ],
    tags: ['kitchen', 'home', 'cooking'],
    attributes: { color: ['matte black', 'cream', 'sage green', 'red', 'stainless'] },
    closers: [
      'Dishwasher-safe parts make cleaning up quick.',
      'Backed by a five-year guarantee against manufacturing faults.',
    ],
  },
  {
    name: 'fashion',
    makerAttribute: 'brand',
    makers: ['Maren & Co', 'Atelier Nord', 'Lindqvist', 'Oakthread', 'Solenne'],
    styles: ['Classic', 'Relaxed', 'Essential', 'Heritage', 'Weekend'],
    kinds: [
      {
        name: 'Merino Sweater',
        pitches: [
          'A fine-knit merino sweater that keeps you warm without bulk and rarely needs washing.',
          'A crew-neck sweater in soft merino, easy to layer over a shirt or under a coat.',
        ],
        tags: ['knitwear', 'sweater', 'wool'],
        price: [59, 159],
        attributes: { material: ['merino wool'], size: ['XS', 'S', 'M', 'L', 'XL'] },
      },
      {
        name: 'Denim Jacket',
        pitches: [
          'A classic denim jacket in heavy cotton that softens and fades beautifully with wear.',
        ],
        tags: ['jacket', 'denim', 'outerwear'],
        price: [69, 169],
        attributes: { material: ['organic cotton denim'], size: ['S', 'M', 'L', 'XL'] },
      },
      {
        name: 'Chelsea Boots',
        pitches: [
          'Leather Chelsea boots with elastic sides, a pull tab and a sole that can be resoled.',
          'Suede Chelsea boots that go from the office to a night out.',
        ],
        tags: ['shoes', 'boots', 'leather'],
        price: [99, 279],
        attributes: {
          material: ['full-grain leather', 'suede'],
          size: ['EU 38', 'EU 40', 'EU 42', 'EU 44', 'EU 46'],
        },
      },
      {
        name: 'Linen Shirt',
        pitches: ['A breezy linen shirt for hot days, cut loose with a button-down collar.'],
        tags: ['shirt', 'linen', 'summer'],
        price: [39, 99],
        attributes: { material: ['linen'], size: ['S', 'M', 'L', 'XL'] },
      },
      {
        name: 'Wool Coat',
        pitches: [
          'A tailored wool coat with a clean line, deep pockets and a warm, quilted lining.',
        ],
        tags: ['coat', 'outerwear', 'wool', 'winter'],
        price: [149, 399],
        attributes: { material: ['wool blend', 'recycled wool'], size: ['S', 'M', 'L', 'XL'] },
      },
      {
        name: 'Canvas Sneakers',
        pitches: ['Low-top canvas sneakers with a cushioned insole and a natural rubber sole.'],
        tags: ['shoes', 'sneakers', 'casual'],
        price: [45, 109],
        attributes: {
          material: ['organic cotton canvas'],
          size: ['EU 37', 'EU 39', 'EU 41', 'EU 43', 'EU 45'],
        },
      },
      {
        name: 'Silk Scarf',
        pitches: ['A square silk scarf with a hand-rolled hem and a print drawn in the studio.'],
        tags: ['accessories', 'scarf', 'silk'],
        price: [49, 139],
        attributes: { material: ['mulberry silk'] },
      },
      {
        name: 'Leather Belt',
        pitches: [
          'A vegetable-tanned leather belt with a solid brass buckle, made to last decades.',
        ],
        tags: ['accessories', 'belt', 'leather'],
        price: [35, 95],
        attributes: { material: ['vegetable-tanned leather'], size: ['85 cm', '95 cm', '105 cm'] },
      },
      {
        name: 'Chino Trousers',
        pitches: [
          'Slim chinos in stretch cotton twill, smart enough for work and easy enough for weekends.',
        ],
        tags: ['trousers', 'chinos', 'casual'],
        price: [49, 119],
        attributes: { material: ['cotton twill'], size: ['W30', 'W32', 'W34', 'W36'] },
      },
      {
        name: 'Crossbody Bag',
        pitches: [
          'A compact crossbody bag with an adjustable strap and room for a phone, wallet and keys.',
        ],
        tags: ['accessories', 'bag', 'leather'],
        price: [59, 189],
        attributes: { material: ['full-grain leather', 'waxed canvas'] },
      },
    ],
    tags: ['fashion', 'wardrobe', 'everyday'],
    attributes: {
      color: ['black', 'navy', 'camel', 'olive', 'off-white', 'burgundy'],
      origin: ['Portugal', 'Italy', 'Lithuania', 'Spain'],
    },
    closers: [
      'Made in small runs in a family-owned workshop.',
      'Free repairs for the first two years.',
    ],
  },
  {
    name: 'beauty',
    makerAttribute: 'brand',
    makers: ['Aurelle', 'Fernwood Botanics', 'Lumea', 'Saltmoss', 'Velour Skin'],
    styles: ['Daily', 'Hydrating', 'Gentle', 'Radiance', 'Pure'],
    kinds: [
      {
        name: 'Face Serum',
        pitches: [
          'A lightweight face serum that sinks in fast and leaves skin plump and smooth.',
          'A concentrated serum for dull skin, used morning and evening under moisturiser.',
        ],
        tags: ['skincare', 'serum', 'face'],
        price: [19, 69],
        attributes: {
          'key ingredient': ['hyaluronic acid', 'niacinamide', 'vitamin C'],
          volume: ['30 ml'],
        },
      },
      {
        name: 'Moisturising Cream',
        pitches: ['A rich but non-greasy day cream that keeps dry skin comfortable until evening.'],
        tags: ['skincare', 'moisturiser', 'face'],
        price: [15, 59],
        attributes: {
          'key ingredient': ['shea butter', 'ceramides', 'squalane'],
          volume: ['50 ml'],
        },
      },
      {
        name: 'Cleansing Balm',
        pitches: [
          'A melting cleansing balm that lifts make-up and sunscreen and rinses off with warm water.',
        ],
        tags: ['skincare', 'cleanser', 'face'],
        price: [14, 42],
        attributes: { volume: ['100 ml'] },
      },
      {
        name: 'Sunscreen SPF 50',
        pitches: [
          'A broad-spectrum SPF 50 sunscreen that leaves no white cast and wears well under make-up.',
        ],
        tags: ['skincare', 'sunscreen', 'spf'],
        price: [12, 36],
        attributes: { volume: ['50 ml', '100 ml'] },
      },
      {
        name: 'Lip Balm Trio',
        pitches: ['Three nourishing lip balms in a tin-free, paper tube.'],
        tags: ['lips', 'balm', 'skincare'],
        price: [8, 19],
        attributes: { 'key ingredient': ['beeswax', 'shea butter'] },
      },
      {
        name: 'Shampoo Bar',
        pitches: [
          'A solid shampoo bar that lasts as long as two bottles and travels without leaks.',
        ],
        tags: ['haircare', 'shampoo', 'zero-waste'],
        price: [9, 18],
        attributes: { 'hair type': ['all hair types', 'curly hair', 'fine hair'] },
      },
      {
        name: 'Hand Cream',
        pitches: ['A fast-absorbing hand cream for hands that are washed all day.'],
        tags: ['hands', 'moisturiser', 'skincare'],
        price: [7, 24],
        attributes: { volume: ['75 ml'] },
      },
      {
        name: 'Eau de Parfum',
        pitches: [
          'A fresh, woody eau de parfum with notes of cedar, bergamot and a little pepper.',
          'A soft floral eau de parfum that lingers close to the skin all day.',
        ],
        tags: ['fragrance', 'perfume'],
        price: [45, 149],
        attributes: { volume: ['50 ml', '100 ml'] },
      },
      {
        name: 'Clay Face Mask',
        pitches: ['A purifying clay mask that draws out oil and leaves pores looking smaller.'],
        tags: ['skincare', 'mask', 'face'],
        price: [11, 34],
        attributes: { 'key ingredient': ['kaolin clay', 'green clay'], volume: ['75 ml'] },
      },
    ],
    tags: ['beauty', 'self-care', 'vegan', 'cruelty-free'],
    attributes: {
      scent: ['unscented', 'citrus', 'lavender', 'cedar', 'rose'],
      'skin type': ['all skin types', 'dry skin', 'oily skin', 'sensitive skin'],
    },
    closers: [
      'Dermatologically tested.',
      'Packed in a recyclable glass jar.',
      'Free from synthetic fragrance.',
    ],
  },
  {
    name: 'toys',
    makerAttribute: 'brand',
    makers: ['Brightbox', 'Puddlejump', 'Tinker Owl', 'Marbleworks', 'Kiko & Bean'],
    styles: ['Deluxe', 'Junior', 'Classic', 'Explorer', 'Super'],
    kinds: [
      {
        name: 'Wooden Building Blocks',
        pitches: [
          'Sixty smooth wooden blocks in natural shapes that stack, balance and build anything.',
        ],
        tags: ['wooden', 'building', 'toddler'],
        price: [24, 69],
        attributes: { material: ['beech wood'], age: ['1+', '2+'] },
      },
      {
        name: 'Remote Control Car',
        pitches: [
          'A fast, tough remote control car with a rechargeable battery and all-terrain tyres.',
        ],
        tags: ['rc', 'cars', 'outdoor-play'],
        price: [29, 119],
        attributes: { age: ['6+', '8+'] },
      },
      {
        name: 'Plush Bear',
        pitches: [
          'A huggable plush bear with embroidered eyes, soft enough for the smallest hands.',
        ],
        tags: ['plush', 'soft-toy', 'baby'],
        price: [14, 39],
        attributes: { material: ['organic cotton'], age: ['0+'] },
      },
      {
        name: '1000-Piece Jigsaw Puzzle',
        pitches: [
          'A 1000-piece puzzle of a busy harbour scene, with thick pieces that click firmly together.',
        ],
        tags: ['puzzle', 'family', 'jigsaw'],
        price: [14, 32],
        attributes: { age: ['10+', '12+'] },
      },
      {
        name: 'Marble Run',
        pitches: [
          'A marble run with tracks, funnels and a spiral tower that can be rebuilt a hundred ways.',
        ],
        tags: ['building', 'stem', 'construction'],
        price: [29, 99],
        attributes: { age: ['4+', '6+'] },
      },
      {
        name: 'Science Kit',
        pitches: [
          'A hands-on science kit with twenty experiments on crystals, volcanoes and simple circuits.',
        ],
        tags: ['stem', 'science', 'educational'],
        price: [19, 59],
        attributes: { age: ['8+', '10+'] },
      },
      {
        name: 'Family Board Game',
        pitches: ['A quick-to-learn board game of trading and building for two to five players.'],
        tags: ['board-game', 'family', 'games'],
        price: [19, 49],
        attributes: { age: ['7+', '8+'], players: ['2-4', '2-5'] },
      },
      {
        name: 'Doll’s House',
        pitches: [
          'A three-storey wooden doll’s house with furniture, a working door and a roof that lifts off.',
        ],
        tags: ['wooden', 'pretend-play', 'dolls'],
        price: [59, 189],
        attributes: { material: ['birch plywood'], age: ['3+'] },
      },
      {
        name: 'Stunt Kite',
        pitches: ['A dual-line stunt kite that loops and dives in a light breeze.'],
        tags: ['kite', 'outdoor-play'],
        price: [19, 59],
        attributes: { age: ['8+'] },
      },
    ],
    tags: ['toys', 'kids', 'play'],
    attributes: { color: ['multicolour', 'pastel', 'red and blue', 'natural'] },
    closers: ['Safety-tested to EN 71.', 'Comes in a box that doubles as storage.'],
  },
  {
    name: 'sports',
    makerAttribute: 'brand',
    makers: ['Pacefield', 'Ironroot', 'Velocis', 'Strideline', 'Courtside'],
    styles: ['Elite', 'Training', 'Club', 'Performance', 'Endurance'],
    kinds: [
      {
        name: 'Running Shoes',
        pitches: [
          'Cushioned running shoes with a breathable mesh upper, made for long road miles.',
          'Light, responsive running shoes for tempo runs and race day.',
        ],
        tags: ['running', 'shoes', 'road'],
        price: [69, 189],
        attributes: { size: ['EU 39', 'EU 41', 'EU 42', 'EU 43', 'EU 45'] },
      },
      {
        name: 'Yoga Mat',
        pitches: ['A grippy 5 mm yoga mat that cushions knees and stays put in hot sessions.'],
        tags: ['yoga', 'mat', 'fitness'],
        price: [25, 89],
        attributes: { material: ['natural rubber', 'cork', 'TPE'] },
      },
      {
        name: 'Adjustable Dumbbells',
        pitches: [
          'A pair of adjustable dumbbells that replace a rack of weights, from 2 to 24 kg each.',
        ],
        tags: ['strength', 'weights', 'home-gym'],
        price: [149, 399],
      },
      {
        name: 'Resistance Band Set',
        pitches: [
          'Five latex-free resistance bands with handles and a door anchor for full-body workouts.',
        ],
        tags: ['strength', 'home-gym', 'fitness'],
        price: [15, 45],
      },
      {
        name: 'Match Football',
        pitches: [
          'A size 5 match football with a thermally bonded cover for a true, consistent flight.',
        ],
        tags: ['football', 'team-sports', 'ball'],
        price: [19, 119],
      },
      {
        name: 'Tennis Racket',
        pitches: [
          'A graphite tennis racket with a forgiving sweet spot, strung and ready to play.',
        ],
        tags: ['tennis', 'racket', 'court'],
        price: [59, 229],
        attributes: { weight: ['270 g', '285 g', '300 g'] },
      },
      {
        name: 'Cycling Helmet',
        pitches: [
          'A ventilated cycling helmet with a rear dial fit system and a rechargeable tail light.',
        ],
        tags: ['cycling', 'helmet', 'safety'],
        price: [45, 169],
        attributes: { size: ['S', 'M', 'L'] },
      },
      {
        name: 'Speed Jump Rope',
        pitches: [
          'A ball-bearing speed rope with an adjustable steel cable for fast double-unders.',
        ],
        tags: ['cardio', 'fitness', 'jump-rope'],
        price: [9, 29],
      },
      {
        name: 'Foam Roller',
        pitches: ['A firm foam roller with a textured surface for recovery after hard sessions.'],
        tags: ['recovery', 'fitness', 'mobility'],
        price: [15, 49],
      },
      {
        name: 'Swimming Goggles',
        pitches: [
          'Anti-fog swimming goggles with a wide view and soft silicone seals that do not leak.',
        ],
        tags: ['swimming', 'goggles', 'pool'],
        price: [12, 39],
      },
    ],
    tags: ['sports', 'training', 'active'],
    attributes: { color: ['black', 'volt yellow', 'electric blue', 'coral', 'white'] },
    closers: [
      'Designed with coaches and tested by club athletes.',
      'A favourite for beginners and regulars alike.',
    ],
  },
  {
    name: 'home-decor',
    makerAttribute: 'brand',
    makers: ['Hollow & Hearth', 'Nordlys Living', 'Terracotta Lane', 'Willow Row', 'Lumen Atelier'],
    styles: ['Scandi', 'Rustic', 'Minimalist', 'Vintage', 'Modern'],
    kinds: [
      {
        name: 'Table Lamp',
        pitches: [
          'A table lamp with a linen shade that casts a warm, even light over a desk or bedside.',
        ],
        tags: ['lighting', 'lamp', 'living-room'],
        price: [39, 189],
        attributes: { material: ['ceramic', 'brass', 'oak'] },
      },
      {
        name: 'Throw Blanket',
        pitches: ['A chunky knit throw for the sofa, big enough to share on cold evenings.'],
        tags: ['textiles', 'blanket', 'cosy'],
        price: [35, 129],
        attributes: { material: ['wool', 'organic cotton', 'recycled cotton'] },
      },
      {
        name: 'Ceramic Vase',
        pitches: [
          'A hand-thrown ceramic vase with a speckled glaze, lovely with or without flowers.',
        ],
        tags: ['vase', 'ceramics', 'flowers'],
        price: [19, 89],
        attributes: { material: ['stoneware', 'porcelain'] },
      },
      {
        name: 'Round Wall Mirror',
        pitches: ['A round wall mirror with a slim frame that makes a small hallway feel larger.'],
        tags: ['mirror', 'wall-decor', 'hallway'],
        price: [49, 219],
        attributes: {
          material: ['brass', 'oak', 'black steel'],
          diameter: ['50 cm', '70 cm', '90 cm'],
        },
      },
      {
        name: 'Scented Candle',
        pitches: [
          'A soy wax candle with a cotton wick and a calm scent of fig leaves and cedar.',
          'A slow-burning candle poured in a reusable glass, with about fifty hours of burn time.',
        ],
        tags: ['candle', 'fragrance', 'cosy'],
        price: [14, 49],
        attributes: { scent: ['fig and cedar', 'sea salt', 'amber', 'fresh linen'] },
      },
      {
        name: 'Cushion Cover',
        pitches: [
          'A textured cushion cover with a hidden zip, in a size that fits most sofa cushions.',
        ],
        tags: ['textiles', 'cushion', 'living-room'],
        price: [15, 45],
        attributes: {
          material: ['linen', 'organic cotton', 'velvet'],
          size: ['45 x 45 cm', '50 x 50 cm'],
        },
      },
      {
        name: 'Wall Clock',
        pitches: ['A silent-sweep wall clock with a clean dial that does not tick at night.'],
        tags: ['clock', 'wall-decor'],
        price: [25, 99],
        attributes: { material: ['oak', 'aluminium'] },
      },
      {
        name: 'Woven Rug',
        pitches: ['A flat-woven rug that is easy to vacuum and soft underfoot.'],
        tags: ['rug', 'textiles', 'living-room'],
        price: [69, 349],
        attributes: {
          material: ['jute', 'wool', 'recycled cotton'],
          size: ['120 x 170 cm', '160 x 230 cm', '200 x 300 cm'],
        },
      },
      {
        name: 'Plant Pot',
        pitches: ['A glazed plant pot with a drainage hole and a matching saucer.'],
        tags: ['plants', 'pot', 'ceramics'],
        price: [12, 59],
        attributes: {
          material: ['terracotta', 'stoneware'],
          diameter: ['14 cm', '20 cm', '28 cm'],
        },
      },
    ],
    tags: ['home', 'interior', 'decor'],
    attributes: { color: colors },
    closers: [
      'Each piece varies a little, as handmade pieces do.',
      'Designed in a small studio and made by independent makers.',
    ],
  },
  {
    name: 'garden',
    makerAttribute: 'brand',
    makers: ['Greenhollow', 'Rootstock', 'Meadowsmith', 'Potting Shed Co', 'Fernhill'],
    styles: ['Heavy-Duty', 'Classic', 'Compact', 'Ergonomic', 'Everyday'],
    kinds: [
      {
        name: 'Pruning Shears',
        pitches: [
          'Bypass pruning shears with hardened steel blades that cut cleanly through branches up to 2 cm.',
        ],
        tags: ['tools', 'pruning', 'gardening'],
        price: [15, 59],
        attributes: { material: ['hardened steel'] },
      },
      {
        name: 'Garden Hose 25 m',
        pitches: [
          'A kink-resistant 25-metre hose with brass fittings and an eight-pattern spray nozzle.',
        ],
        tags: ['watering', 'hose', 'gardening'],
        price: [29, 89],
      },
      {
        name: 'Raised Garden Bed',
        pitches: [
          'A raised bed kit that assembles without tools and brings vegetables to a kinder height.',
        ],
        tags: ['vegetables', 'raised-bed', 'grow-your-own'],
        price: [59, 249],
        attributes: { material: ['larch wood', 'galvanised steel'] },
      },
      {
        name: 'Watering Can',
        pitches: ['A balanced 9-litre watering can with a removable rose for seedlings.'],
        tags: ['watering', 'gardening'],
        price: [15, 49],
        attributes: { material: ['galvanised steel', 'recycled plastic'] },
      },
      {
        name: 'Solar Path Lights',
        pitches: [
          'A set of six solar path lights that switch on at dusk and glow all night after a sunny day.',
        ],
        tags: ['lighting', 'solar', 'outdoor-living'],
        price: [19, 69],
      },
      {
        name: 'Herb Seed Kit',
        pitches: [
          'Seeds, pots and compost discs for basil, parsley, chives and thyme, ready for a sunny windowsill.',
        ],
        tags: ['seeds', 'herbs', 'grow-your-own'],
        price: [12, 29],
      },
      {
        name: 'Compost Bin',
        pitches: [
          'A 300-litre compost bin with a hatch at the bottom for scooping out finished compost.',
        ],
        tags: ['compost', 'zero-waste', 'gardening'],
        price: [39, 119],
        attributes: { material: ['recycled plastic', 'larch wood'] },
      },
      {
        name: 'Gardening Gloves',
        pitches: ['Breathable gardening gloves with padded palms that protect against thorns.'],
        tags: ['gloves', 'gardening'],
        price: [9, 29],
        attributes: { size: ['S', 'M', 'L'] },
      },
      {
        name: 'Bird Feeder',
        pitches: [
          'A squirrel-proof bird feeder that hangs from a branch and is easy to fill and clean.',
        ],
        tags: ['wildlife', 'birds'],
        price: [15, 59],
        attributes: { material: ['powder-coated steel', 'cedar wood'] },
      },
    ],
    tags: ['garden', 'outdoor-living', 'plants'],
    attributes: { color: ['forest green', 'black', 'terracotta', 'natural'] },
    closers: [
      'Weatherproof and built for years outdoors.',
      'A handy gift for anyone with a balcony or allotment.',
    ],
  },
  {
    name: 'music',
    makerAttribute: 'brand',
    makers: ['Harmonia', 'Redwood Strings', 'Tonecraft', 'Eastline Audio', 'Cadenza'],
    styles: ['Studio', 'Stage', 'Student', 'Vintage', 'Concert'],
    kinds: [
      {
        name: 'Acoustic Guitar',
        pitches: [
          'A dreadnought acoustic guitar with a solid spruce top and a warm, balanced voice.',
          'A comfortable acoustic guitar with a slim neck, easy on beginners’ hands.',
        ],
        tags: ['guitar', 'acoustic', 'strings'],
        price: [129, 699],
        attributes: {
          material: ['solid spruce and mahogany', 'cedar and rosewood'],
          finish: ['natural', 'sunburst', 'black'],
        },
      },
      {
        name: 'Digital Piano',
        pitches: [
          'An 88-key digital piano with weighted hammer action and a headphone jack for quiet practice.',
        ],
        tags: ['piano', 'keys', 'practice'],
        price: [399, 1299],
      },
      {
        name: 'Concert Ukulele',
        pitches: ['A bright, cheerful ukulele with a padded gig bag, tuned and ready to strum.'],
        tags: ['ukulele', 'strings', 'beginner'],
        price: [39, 149],
        attributes: { material: ['mahogany', 'acacia'], finish: ['natural', 'satin'] },
      },
      {
        name: 'USB Microphone',
        pitches: [
          'A cardioid USB microphone for podcasts, streaming and video calls, with zero-latency monitoring.',
        ],
        tags: ['microphone', 'recording', 'podcast'],
        price: [49, 199],
      },
      {
        name: 'Monitor Headphones',
        pitches: [
          'Closed-back studio monitor headphones with a flat response for mixing and recording.',
        ],
        tags: ['headphones', 'recording', 'studio'],
        price: [69, 249],
      },
      {
        name: 'Turntable',
        pitches: [
          'A belt-driven turntable with a built-in preamp, so it plugs straight into powered speakers.',
        ],
        tags: ['vinyl', 'turntable', 'hi-fi'],
        price: [149, 599],
      },
      {
        name: 'Guitar Amplifier',
        pitches: ['A 20-watt practice amp with clean and drive channels and a headphone output.'],
        tags: ['guitar', 'amplifier', 'practice'],
        price: [79, 349],
      },
      {
        name: 'Electronic Drum Kit',
        pitches: [
          'A compact electronic drum kit with mesh heads that are quiet enough for a flat.',
        ],
        tags: ['drums', 'percussion', 'practice'],
        price: [299, 899],
      },
      {
        name: 'MIDI Keyboard Controller',
        pitches: [
          'A 49-key MIDI controller with velocity-sensitive pads and knobs mapped to popular music software.',
        ],
        tags: ['midi', 'keys', 'production'],
        price: [79, 299],
      },
    ],
    tags: ['music', 'instruments', 'musician'],
    attributes: { warranty: ['2 years', '5 years'] },
    closers: [
      'Set up and checked by a technician before it ships.',
      'A good choice for the first instrument or the next one.',
    ],
  },
  {
    name: 'grocery',
    makerAttribute: 'brand',
    makers: ['Olivetta', 'Hillfarm', 'Bramble & Bee', 'Coastal Roast', 'Sunfield'],
    styles: ['Organic', 'Artisan', 'Classic', 'Farmhouse', 'Small-Batch'],
    kinds: [
      {
        name: 'Extra Virgin Olive Oil',
        pitches: [
          'A cold-pressed extra virgin olive oil, grassy and peppery, for dressing salads and finishing dishes.',
        ],
        tags: ['olive-oil', 'pantry', 'mediterranean'],
        price: [9, 29],
        attributes: { size: ['500 ml', '750 ml', '1 l'], origin: ['Greece', 'Italy', 'Spain'] },
      },
      {
        name: 'Whole Bean Coffee',
        pitches: [
          'Whole bean coffee roasted in small batches, with notes of cocoa, cherry and caramel.',
          'A medium-roast whole bean coffee that works as espresso and in a filter.',
        ],
        tags: ['coffee', 'beans', 'breakfast'],
        price: [8, 24],
        attributes: {
          size: ['250 g', '500 g', '1 kg'],
          origin: ['Colombia', 'Ethiopia', 'Guatemala', 'Brazil'],
        },
      },
      {
        name: 'Wildflower Honey',
        pitches: ['Raw wildflower honey, gently strained so it keeps its pollen and floral taste.'],
        tags: ['honey', 'sweet', 'breakfast'],
        price: [6, 18],
        attributes: { size: ['250 g', '500 g'], origin: ['Austria', 'Portugal', 'Slovenia'] },
      },
      {
        name: 'Dark Chocolate 70%',
        pitches: [
          'A 70% dark chocolate bar made from bean to bar, smooth with a hint of red fruit.',
        ],
        tags: ['chocolate', 'sweet', 'snack'],
        price: [3, 9],
        attributes: { size: ['80 g', '100 g'], origin: ['Ecuador', 'Peru', 'Ghana'] },
      },
      {
        name: 'Loose Leaf Green Tea',
        pitches: ['A delicate loose leaf green tea with a fresh, slightly sweet finish.'],
        tags: ['tea', 'green-tea', 'drinks'],
        price: [6, 19],
        attributes: { size: ['100 g', '250 g'], origin: ['Japan', 'China'] },
      },
      {
        name: 'Crunchy Granola',
        pitches: ['Crunchy oat granola baked with nuts, seeds and a little maple syrup.'],
        tags: ['breakfast', 'granola', 'cereal'],
        price: [4, 11],
        attributes: { size: ['400 g', '750 g'] },
      },
      {
        name: 'Bronze-Cut Spaghetti',
        pitches: [
          'Durum wheat spaghetti drawn through bronze dies, so sauces cling to its rough surface.',
        ],
        tags: ['pasta', 'pantry', 'italian'],
        price: [2, 7],
        attributes: { size: ['500 g', '1 kg'], origin: ['Italy'] },
      },
      {
        name: 'Aged Balsamic Vinegar',
        pitches: [
          'A thick balsamic vinegar aged in wooden barrels, sweet and tangy over cheese or strawberries.',
        ],
        tags: ['vinegar', 'pantry', 'italian'],
        price: [7, 34],
        attributes: { size: ['250 ml', '500 ml'], origin: ['Italy'] },
      },
      {
        name: 'Sea Salt Flakes',
        pitches: [
          'Hand-harvested sea salt flakes that crumble between the fingers over finished dishes.',
        ],
        tags: ['salt', 'pantry', 'seasoning'],
        price: [4, 12],
        attributes: { size: ['125 g', '250 g'], origin: ['Portugal', 'France'] },
      },
      {
        name: 'Strawberry Jam',
        pitches: ['A fruity strawberry jam with big pieces of fruit and less sugar than usual.'],
        tags: ['jam', 'sweet', 'breakfast'],
        price: [3, 8],
        attributes: { size: ['340 g'] },
      },
    ],
    tags: ['grocery', 'food', 'pantry'],
    attributes: { diet: ['vegan', 'vegetarian', 'gluten-free'] },
    closers: ['Best enjoyed within a few months of opening.', 'Sourced directly from the growers.'],
  },
];

/**
 * How an attribute reads inside a description; attributes without an entry are listed only.
 * Each sentence states the attribute's value and nothing more, so descriptions never claim
 * what the attributes do not say.
 */
export const ATTRIBUTE_SENTENCES: Readonly<Record<string, (value: string) => string>> = {
  material: (v) => `Made from ${v}.`,
  color: (v) => `This one comes in ${v}.`,
  origin: (v) => `From ${v}.`,
  scent: (v) => (v === 'unscented' ? 'Unscented.' : `Scent: ${v}.`),
  'key ingredient': (v) => `Made with ${v}.`,
  author: (v) => `Written by ${v}.`,
  filling: (v) => `Filled with ${v}.`,
};
