import { describe, expect, it } from 'vitest';
import { allocate, ARRT_RADIOGRAPHY, sampleForm, seededRandom, type BankItem, type Blueprint } from './exam-blueprint';
import { loadQuestions } from './questions';

function bank(spec: Record<string, number>): BankItem[] {
  const out: BankItem[] = [];
  for (const [key, n] of Object.entries(spec)) {
    const [category, subcategory] = key.split('/') as [BankItem['category'], string];
    for (let i = 0; i < n; i++) out.push({ id: `${category}-${subcategory}-${i}`.replace(/\W+/g, '-').toLowerCase(), category, subcategory });
  }
  return out;
}

const full = bank({
  'patient-care/Patient Interactions and Management': 100,
  'safety/Radiation Physics and Radiobiology': 100,
  'safety/Radiation Protection': 100,
  'image-production/Image Acquisition and Technical Evaluation': 100,
  'procedures/Thorax and Abdomen': 100,
});

describe('allocate', () => {
  it('follows the ARRT category weights on a 200-item form when the bank has every category', () => {
    const plan = allocate(full, 200);
    const byCat = (c: string) => plan.filter((r) => r.category === c).reduce((s, r) => s + r.count, 0);
    expect(byCat('patient-care')).toBe(33);
    expect(byCat('safety')).toBe(53);
    expect(byCat('image-production')).toBe(51);
    expect(byCat('procedures')).toBe(63);
    expect(plan.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 10);
  });

  it('renormalises over the categories the bank has', () => {
    const noProcedures = full.filter((q) => q.category !== 'procedures');
    const plan = allocate(noProcedures, 137);
    const byCat = (c: string) => plan.filter((r) => r.category === c).reduce((s, r) => s + r.count, 0);
    expect([byCat('patient-care'), byCat('safety'), byCat('image-production')]).toEqual([33, 53, 51]);
    expect(plan.find((r) => r.category === 'patient-care')!.weight).toBeCloseTo(33 / 137, 10);
  });

  it('splits a category equally over its sub-categories unless weights say otherwise', () => {
    const plan = allocate(full, 200);
    const safety = plan.filter((r) => r.category === 'safety').map((r) => r.count);
    expect(Math.abs(safety[0] - safety[1])).toBeLessThanOrEqual(1);
    const weighted: Blueprint = { ...ARRT_RADIOGRAPHY, subcategoryWeights: { safety: { 'Radiation Physics and Radiobiology': 21, 'Radiation Protection': 32 } } };
    const plan2 = allocate(full, 200, weighted);
    expect(plan2.filter((r) => r.category === 'safety').map((r) => r.count)).toEqual([21, 32]);
  });

  it('always gives the length asked for, handing a thin sub-category\'s share to the others', () => {
    const thin = bank({ 'patient-care/Patient Interactions and Management': 2, 'safety/Radiation Protection': 1, 'image-production/Image Management and Informatics': 80 });
    for (const n of [1, 5, 20, 50, 83]) {
      const plan = allocate(thin, n);
      expect(plan.reduce((s, r) => s + r.count, 0)).toBe(n);
      for (const r of plan) expect(r.count).toBeLessThanOrEqual(r.available);
    }
    expect(allocate(thin, 500).reduce((s, r) => s + r.count, 0)).toBe(83);
    expect(allocate(thin, 20).find((r) => r.category === 'patient-care')!.count).toBe(2);
  });
});

describe('sampleForm', () => {
  it('draws distinct items, reproducibly from a seed, in the planned proportions', () => {
    const a = sampleForm(full, 50, seededRandom(42));
    const b = sampleForm(full, 50, seededRandom(42));
    const c = sampleForm(full, 50, seededRandom(43));
    expect(a.map((q) => q.id)).toEqual(b.map((q) => q.id));
    expect(a.map((q) => q.id)).not.toEqual(c.map((q) => q.id));
    expect(new Set(a.map((q) => q.id)).size).toBe(50);
    const plan = allocate(full, 50);
    for (const row of plan) expect(a.filter((q) => q.category === row.category && q.subcategory === row.subcategory)).toHaveLength(row.count);
  });

  it('builds 20, 50 and 100-item forms from the real bank (lesson checks excluded)', () => {
    const real = loadQuestions().filter((q) => !q.id.startsWith('check-'));
    for (const n of [20, 50, 100]) expect(sampleForm(real, n, seededRandom(n))).toHaveLength(n);
  });
});
