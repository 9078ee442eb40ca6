import { describe, expect, it } from 'vitest';
import { computeProgress, streaks } from './progress';

const at = (s: string) => new Date(`${s}T12:00:00Z`);

describe('streaks', () => {
  it('counts consecutive active days, alive through yesterday, and the longest run', () => {
    const days = ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-07', '2027-03-08'].map(at);
    expect(streaks(days, at('2027-03-08'))).toMatchObject({ current: 2, longest: 3, activeDays: 5, lastActive: '2027-03-08' });
    expect(streaks(days, at('2027-03-09')).current).toBe(2); // not broken until a whole day passes
    expect(streaks(days, at('2027-03-10')).current).toBe(0);
    expect(streaks([], at('2027-03-10'))).toMatchObject({ current: 0, longest: 0, lastActive: null });
  });
});

describe('computeProgress', () => {
  const bank = new Map([
    ['a1', { category: 'safety' as const }],
    ['a2', { category: 'safety' as const }],
    ['b1', { category: 'image-production' as const }],
    ['check-x', { category: 'image-production' as const }],
  ]);

  it('accuracy counts every answer; mastery counts items whose latest answer was right, over the bank', () => {
    const p = computeProgress(
      [
        { questionId: 'a1', correct: false, answeredAt: at('2027-03-01') },
        { questionId: 'a1', correct: true, answeredAt: at('2027-03-02') },
        { questionId: 'b1', correct: true, answeredAt: at('2027-03-02') },
        { questionId: 'gone', correct: true, answeredAt: at('2027-03-02') },
      ],
      [at('2027-02-28')],
      bank,
      at('2027-03-02'),
      5,
    );
    expect(p).toMatchObject({ answered: 3, correct: 2, accuracy: 67 });
    const safety = p.categories.find((c) => c.category === 'safety')!;
    expect(safety).toMatchObject({ answered: 2, correct: 1, accuracy: 50, mastered: 1, bankItems: 2, mastery: 50 });
    expect(p.categories.find((c) => c.category === 'image-production')).toMatchObject({ bankItems: 1, mastery: 100 });
    expect(p.days).toHaveLength(5);
    expect(p.days.at(-2)).toMatchObject({ date: '2027-03-01', answered: 1, 'safety:accuracy': 0, 'safety:mastery': 0 });
    expect(p.days.at(-1)).toMatchObject({ date: '2027-03-02', answered: 2, 'safety:accuracy': 50, 'safety:mastery': 50 });
    expect(p.streak).toMatchObject({ current: 3, longest: 3 });
  });

  it('starts the chart the day before the first answer, showing at least a week', () => {
    const p = computeProgress([{ questionId: 'a1', correct: true, answeredAt: at('2027-03-09') }], [], bank, at('2027-03-10'));
    expect(p.days).toHaveLength(7);
    expect(p.days[0].date).toBe('2027-03-04');
    const long = computeProgress([{ questionId: 'a1', correct: true, answeredAt: at('2027-01-01') }], [], bank, at('2027-03-10'));
    expect(long.days).toHaveLength(30);
  });
});
