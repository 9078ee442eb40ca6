// Grading a response to a bank item, one rule per registry format. Pure: the server calls it; tests pin it.
import type { Question } from './schema';

export type OptionId = Question['options'][number]['id'];

export function gradeAnswer(question: Question, answer: readonly string[]): boolean {
  const key = question.key as readonly string[];
  switch (question.type) {
    case 'single':
    case 'hotspot':
      return answer.length === 1 && answer[0] === key[0];
    case 'multiple': {
      // select-all-that-apply: exactly the keyed set, no partial credit (as on the registry)
      const chosen = new Set(answer);
      return chosen.size === answer.length && chosen.size === key.length && key.every((k) => chosen.has(k));
    }
    case 'ordered':
      return answer.length === key.length && key.every((k, i) => answer[i] === k);
  }
}

/** The options of an item as shown to a candidate: ordered items are shown in a fixed shuffled order. */
export function presentedOptions(question: Question): Question['options'] {
  if (question.type !== 'ordered') return question.options;
  const opts = [...question.options];
  // a deterministic rotation keyed on the id, so the correct order is never the listed order
  let shift = [...question.id].reduce((s, c) => s + c.charCodeAt(0), 0) % opts.length;
  if (opts.every((o, i) => o.id === question.key[(i + shift) % opts.length]) || shift === 0) shift = 1;
  return [...opts.slice(shift), ...opts.slice(0, shift)];
}
