import Link from 'next/link';
import { FlaskConical } from 'lucide-react';
import { slugifyHeading } from '@/content/lessons';
import { presentedOptions } from '@/content/grade';
import { questionBank, toPublic } from '@/app/_lib/content';
import { QuestionCard } from '@/app/_components/QuestionCard';

function textOf(node: React.ReactNode): string {
  if (node == null || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (typeof node === 'object' && 'props' in node) return textOf((node.props as { children?: React.ReactNode }).children);
  return '';
}

export function Figure({ src, alt, caption }: { src: string; alt: string; caption?: string }) {
  return (
    <figure className="not-prose my-6">
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={src} alt={alt} className="w-full rounded-lg border border-slate-200 bg-white" loading="lazy" />
      {caption && <figcaption className="mt-2 text-sm text-slate-500">{caption}</figcaption>}
    </figure>
  );
}

export function TryIt({ href, label }: { href: string; label: string }) {
  return (
    <Link href={href} className="not-prose my-5 flex items-center gap-3 rounded-lg border border-brand-100 bg-brand-50 px-4 py-3 text-sm text-brand-900 no-underline hover:border-brand-500" data-testid="try-it">
      <FlaskConical className="h-5 w-5 shrink-0 text-brand-600" aria-hidden />
      <span>
        <span className="block text-xs font-semibold uppercase tracking-wide text-brand-700">Try it in the sandbox</span>
        {label}
      </span>
    </Link>
  );
}

export function Check({ ids }: { ids: string[] }) {
  const bank = questionBank();
  const questions = ids.map((id) => bank.get(id)).filter((q) => q !== undefined);
  return (
    <aside className="not-prose my-8 space-y-4" aria-label="Check your understanding" data-testid="lesson-check">
      <h2 className="text-lg font-semibold text-slate-900">Check your understanding</h2>
      {questions.map((q, i) => (
        <QuestionCard key={q.id} question={toPublic(q, presentedOptions(q))} mode="lesson-check" number={i + 1} />
      ))}
    </aside>
  );
}

function heading(Tag: 'h2' | 'h3' | 'h4') {
  return function Heading({ children }: { children?: React.ReactNode }) {
    const id = slugifyHeading(textOf(children));
    return (
      <Tag id={id} className="group scroll-mt-20">
        {children}
        <a href={`#${id}`} className="ml-2 text-slate-300 no-underline opacity-0 group-hover:opacity-100" aria-label="Link to this section">#</a>
      </Tag>
    );
  };
}

export const lessonComponents = { Figure, TryIt, Check, h2: heading('h2'), h3: heading('h3'), h4: heading('h4') };
