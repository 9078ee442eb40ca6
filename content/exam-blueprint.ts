// The mock exam's content weights and the sampler that draws a form from the bank by them.
//
// Source of the default weights: ARRT, "Radiography Examination Content Specifications" (implementation date
// January 1, 2022; arrt.org, Reference Documents): 200 scored items: Patient Care 33, Safety 53, Image
// Production 51, Procedures 63. Those category counts are the default here. ARRT also lists items per
// sub-category; this bank's sub-categories (content/schema.ts) do not all match ARRT's list one to one (it adds
// "Image Management and Informatics" under Image Production), so within a category the default splits the
// category's weight equally over its sub-categories. Edit `subcategoryWeights` to match a programme's outline.
//
// Weights are renormalised over the (category, sub-category) pairs the bank actually holds: a bank with no
// Procedures items gives Procedures' share to the others in proportion. A sub-category with fewer items than
// its share gives the rest to the others (largest remainder), so a form always has the length asked for while
// the bank has that many items.
import { CATEGORIES, type CategoryId } from './schema';

export interface Blueprint {
  name: string;
  source: string;
  /** relative weight per category (ARRT: scored items per category) */
  categoryWeights: Record<CategoryId, number>;
  /** relative weight per sub-category within its category; a missing sub-category weighs 1 */
  subcategoryWeights: Partial<Record<CategoryId, Record<string, number>>>;
}

export const ARRT_RADIOGRAPHY: Blueprint = {
  name: 'ARRT Radiography (2022 content specifications)',
  source: 'ARRT Radiography Examination Content Specifications, effective January 1, 2022: 200 scored items',
  categoryWeights: { 'patient-care': 33, safety: 53, 'image-production': 51, procedures: 63 },
  subcategoryWeights: {},
};

/** Lengths and time limits offered on the mock-exam page: the registry allows about 1.05 min per item. */
export const MOCK_LENGTHS = [
  { items: 20, minutes: 25 },
  { items: 50, minutes: 60 },
  { items: 100, minutes: 120 },
] as const;

export interface BankItem {
  id: string;
  category: CategoryId;
  subcategory: string;
}

export interface Allocation {
  category: CategoryId;
  subcategory: string;
  /** share of the form after renormalisation (0..1) */
  weight: number;
  available: number;
  count: number;
}

/** mulberry32: a small seeded generator, so a form can be reproduced from its seed in tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** How many items each (category, sub-category) gets in a form of `length` items drawn from `bank`. */
export function allocate(bank: readonly BankItem[], length: number, blueprint: Blueprint = ARRT_RADIOGRAPHY): Allocation[] {
  const available = new Map<string, number>();
  for (const item of bank) {
    const k = `${item.category}\u0000${item.subcategory}`;
    available.set(k, (available.get(k) ?? 0) + 1);
  }
  // weights renormalised over the categories present, then over each category's sub-categories present
  const present = new Map<CategoryId, string[]>();
  for (const k of available.keys()) {
    const [category, sub] = k.split('\u0000') as [CategoryId, string];
    present.set(category, [...(present.get(category) ?? []), sub]);
  }
  const categoryTotal = [...present.keys()].reduce((s, c) => s + (blueprint.categoryWeights[c] ?? 0), 0);
  const rows: Allocation[] = [];
  for (const category of Object.keys(CATEGORIES) as CategoryId[]) {
    const subs = present.get(category);
    if (!subs || categoryTotal <= 0) continue;
    const cw = (blueprint.categoryWeights[category] ?? 0) / categoryTotal;
    const sw = blueprint.subcategoryWeights[category] ?? {};
    const subTotal = subs.reduce((s, sub) => s + (sw[sub] ?? 1), 0);
    const order: readonly string[] = CATEGORIES[category].subcategories;
    for (const sub of [...subs].sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
      rows.push({ category, subcategory: sub, weight: subTotal > 0 ? (cw * (sw[sub] ?? 1)) / subTotal : 0, available: available.get(`${category}\u0000${sub}`) ?? 0, count: 0 });
    }
  }
  let remaining = Math.min(Math.max(0, Math.floor(length)), bank.length);
  // Hamilton apportionment with capacities: give each open row its floor share of what is left, capped by what it
  // holds; then hand out the rest one by one by largest remainder; repeat while capped rows freed items.
  while (remaining > 0) {
    const open = rows.filter((r) => r.count < r.available && r.weight > 0);
    const pool = open.length ? open : rows.filter((r) => r.count < r.available);
    if (!pool.length) break;
    const total = pool.reduce((s, r) => s + (open.length ? r.weight : 1), 0);
    const quotas = pool.map((r) => ({ r, q: (remaining * (open.length ? r.weight : 1)) / total }));
    let given = 0;
    for (const { r, q } of quotas) {
      const add = Math.min(Math.floor(q), r.available - r.count);
      r.count += add;
      given += add;
    }
    remaining -= given;
    if (remaining <= 0) break;
    const byRemainder = quotas
      .filter(({ r }) => r.count < r.available)
      .sort((a, b) => (b.q - Math.floor(b.q)) - (a.q - Math.floor(a.q)) || b.r.weight - a.r.weight);
    let handed = 0;
    for (const { r } of byRemainder) {
      if (remaining - handed <= 0) break;
      r.count += 1;
      handed += 1;
    }
    remaining -= handed;
  }
  return rows;
}

/** Draws a form: `allocate`'s count per sub-category, items chosen at random within each, then mixed. */
export function sampleForm<T extends BankItem>(bank: readonly T[], length: number, random: () => number, blueprint: Blueprint = ARRT_RADIOGRAPHY): T[] {
  const plan = allocate(bank, length, blueprint);
  const picked: T[] = [];
  for (const row of plan) {
    const group = bank.filter((q) => q.category === row.category && q.subcategory === row.subcategory);
    picked.push(...shuffled(group, random).slice(0, row.count));
  }
  return shuffled(picked, random);
}
