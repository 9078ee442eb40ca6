import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getMDXComponent } from 'mdx-bundler/client';
import { ChevronLeft, ChevronRight, Clock } from 'lucide-react';
import { CATEGORIES } from '@/content/schema';
import { allLessons, lessonBySlug } from '@/app/_lib/content';
import { compileLesson } from '@/app/_lib/mdx';
import { getViewer } from '@/app/_lib/session';
import { getDb } from '@/prisma/db';
import { lessonComponents } from '../LessonComponents';
import { CompleteButton } from '../CompleteButton';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const lesson = lessonBySlug((await params).slug);
  return { title: lesson?.frontmatter.title ?? 'Lesson not found' };
}

export default async function LessonPage({ params }: Params) {
  const { slug } = await params;
  const lesson = lessonBySlug(slug);
  if (!lesson) notFound();
  const code = await compileLesson(lesson.slug, lesson.body);
  const Content = getMDXComponent(code);
  const viewer = await getViewer();
  const completed = viewer
    ? Boolean(await getDb().lessonProgress.findUnique({ where: { userId_lessonSlug: { userId: viewer.id, lessonSlug: slug } } }))
    : false;
  const lessons = allLessons();
  const index = lessons.findIndex((l) => l.slug === slug);
  const prev = lessons[index - 1];
  const next = lessons[index + 1];
  const fm = lesson.frontmatter;
  const sections = lesson.headings.filter((h) => h.depth === 2);

  return (
    <div className="lg:grid lg:grid-cols-[1fr_220px] lg:gap-10">
      <article className="min-w-0">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
          <Link href="/learn" className="hover:text-slate-800">Learn</Link> <span aria-hidden>/</span> Lesson {fm.order}
        </nav>
        <header className="mt-3 border-b border-slate-200 pb-6">
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">{CATEGORIES[fm.category].label} · {fm.subcategory}</p>
          <h1 className="mt-1 text-3xl font-semibold tracking-tight text-slate-900">{fm.title}</h1>
          <p className="mt-2 text-slate-600">{fm.summary}</p>
          <p className="mt-3 inline-flex items-center gap-1 text-sm text-slate-500"><Clock className="h-4 w-4" aria-hidden /> {fm.minutes} min</p>
          <div className="mt-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <h2 className="text-sm font-semibold text-slate-800">By the end of this lesson you can</h2>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700">
              {fm.objectives.map((o) => <li key={o}>{o}</li>)}
            </ul>
          </div>
        </header>
        <div className="prose prose-slate mt-6 max-w-none prose-headings:tracking-tight prose-a:text-brand-700 prose-table:text-sm">
          <Content components={lessonComponents as never} />
        </div>
        <div className="mt-10 flex flex-wrap items-center justify-between gap-4 border-t border-slate-200 pt-6">
          <CompleteButton slug={slug} completed={completed} />
          <div className="flex gap-2">
            {prev && <Link className="btn-secondary" href={`/learn/${prev.slug}`}><ChevronLeft className="h-4 w-4" aria-hidden /> {prev.frontmatter.title}</Link>}
            {next && <Link className="btn-secondary" href={`/learn/${next.slug}`}>{next.frontmatter.title} <ChevronRight className="h-4 w-4" aria-hidden /></Link>}
          </div>
        </div>
      </article>
      <aside className="hidden lg:block">
        <nav aria-label="In this lesson" className="sticky top-20 text-sm">
          <p className="font-semibold text-slate-800">In this lesson</p>
          <ul className="mt-2 space-y-1.5 border-l border-slate-200">
            {sections.map((h) => (
              <li key={h.anchor}><a href={`#${h.anchor}`} className="-ml-px block border-l border-transparent pl-3 text-slate-600 hover:border-slate-400 hover:text-slate-900">{h.text}</a></li>
            ))}
          </ul>
        </nav>
      </aside>
    </div>
  );
}
