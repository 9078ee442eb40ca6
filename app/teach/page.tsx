import type { Metadata } from 'next';
import { pageRequiresRole } from '@/app/_lib/guards';
import Link from 'next/link';
import { getDb } from '@/prisma/db';
import { cohortsFor } from './_lib/cohorts';
import { NewCohortForm } from './_components/CohortForms';

export const metadata: Metadata = { title: 'Teach' };
export const dynamic = 'force-dynamic';

export default async function TeachPage() {
  const viewer = await pageRequiresRole('instructor', '/teach');
  const db = getDb();
  const weekAgo = new Date(Date.now() - 7 * 86400_000);
  const [cohorts, students, lessonsThisWeek, answersThisWeek, roster] = await Promise.all([
    cohortsFor(db, viewer),
    db.user.count({ where: { role: 'student', isAnonymous: false } }),
    db.lessonProgress.count({ where: { completedAt: { gte: weekAgo }, user: { isAnonymous: false } } }),
    db.response.findMany({ where: { answeredAt: { gte: weekAgo }, attempt: { user: { isAnonymous: false } } }, select: { correct: true } }),
    db.user.findMany({
      where: { role: 'student', isAnonymous: false },
      orderBy: { createdAt: 'desc' },
      take: 50,
      select: { id: true, name: true, email: true, createdAt: true, _count: { select: { lessonProgress: true } }, quizAttempts: { select: { responses: { select: { correct: true } } } } },
    }),
  ]);
  const accuracy = answersThisWeek.length ? Math.round((100 * answersThisWeek.filter((a) => a.correct).length) / answersThisWeek.length) : null;
  const stats = [
    { label: 'Students', value: students },
    { label: 'Lessons completed (7 days)', value: lessonsThisWeek },
    { label: 'Questions answered (7 days)', value: answersThisWeek.length },
    { label: 'Accuracy (7 days)', value: accuracy === null ? '–' : `${accuracy}%` },
  ];
  return (
    <div data-testid="teach-page">
      <h1 className="text-2xl font-semibold tracking-tight">Teach</h1>
      <p className="mt-1 text-slate-600">Signed in as {viewer.name} ({viewer.role}). {viewer.role === 'admin' ? ' You see every cohort of the programme.' : ''}</p>
      <section className="card mt-6 p-4" aria-labelledby="cohorts-h">
        <h2 id="cohorts-h" className="text-base font-semibold">Cohorts</h2>
        <p className="mt-1 text-sm text-slate-600">Students join with the code or the link; their results show on the cohort’s page.</p>
        <ul className="mt-3 divide-y divide-slate-200" data-testid="cohort-list">
          {cohorts.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2">
              <Link href={`/teach/cohorts/${c.id}`} className="font-medium text-brand-700 hover:underline">{c.name}</Link>
              <span className="text-sm text-slate-600">{c.term}</span>
              <span className="font-mono text-sm text-slate-800" data-testid="join-code">{c.joinCode}</span>
              <span className="text-sm text-slate-500">{c._count.enrollments} student{c._count.enrollments === 1 ? '' : 's'} · {c._count.assignments} assignment{c._count.assignments === 1 ? '' : 's'}</span>
              {viewer.role === 'admin' && <span className="text-xs text-slate-500">{c.instructor.name}</span>}
            </li>
          ))}
          {cohorts.length === 0 && <li className="py-2 text-sm text-slate-500">No cohorts yet. Create one for each class or section.</li>}
        </ul>
        <div className="mt-4 border-t border-slate-200 pt-4"><NewCohortForm /></div>
      </section>
      <dl className="mt-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
        {stats.map((s) => (
          <div key={s.label} className="card p-4">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{s.label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{s.value}</dd>
          </div>
        ))}
      </dl>
      <section className="card mt-6 overflow-x-auto">
        <h2 className="px-4 pt-4 text-base font-semibold">All students</h2>
        <table className="table-dense mt-3">
          <thead><tr><th>Name</th><th>E-mail</th><th>Joined</th><th>Lessons</th><th>Answers</th><th>Accuracy</th></tr></thead>
          <tbody>
            {roster.map((s) => {
              const answers = s.quizAttempts.flatMap((a) => a.responses);
              const right = answers.filter((a) => a.correct).length;
              return (
                <tr key={s.id}>
                  <td className="font-medium">{s.name}</td>
                  <td className="text-slate-600">{s.email}</td>
                  <td className="text-slate-600">{s.createdAt.toISOString().slice(0, 10)}</td>
                  <td>{s._count.lessonProgress}</td>
                  <td>{answers.length}</td>
                  <td>{answers.length ? `${Math.round((100 * right) / answers.length)}%` : '–'}</td>
                </tr>
              );
            })}
            {roster.length === 0 && <tr><td colSpan={6} className="text-slate-500">No students yet.</td></tr>}
          </tbody>
        </table>
      </section>
    </div>
  );
}
